using System.IO;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;

namespace PerplexityKeys;

/// <summary>
/// The module's views (PerplexityKeys.format.ps1xml) are loaded into a session by the first PerplexityKeys command that
/// runs there, not by Import-Module: only a session that makes our objects pays for parsing them, and an import costs
/// about what a trivial module's does. The rule that keeps the key out of CLIXML is added by the import instead
/// (TokenSerialization): it must be there before any object of ours can reach a session (docs/loading.md, "The import").
/// </summary>
internal static class FormatViews
{
    /// <summary>The file beside the cmdlet assembly.</summary>
    internal const string FileName = "PerplexityKeys.format.ps1xml";

    private static readonly ConditionalWeakTable<Runspace, string> Loaded = new();

    /// <summary>Loads the views into the command's session once; a session that refuses (JEA, a locked format table) keeps PowerShell's default views.</summary>
    /// <remarks>Two commands of one runspace never run this at once (one pipeline thread), so the check and the mark need no lock.</remarks>
    internal static void EnsureLoaded(PSCmdlet command)
    {
        Runspace? session = Runspace.DefaultRunspace;
        if (session is null || Loaded.TryGetValue(session, out _))
        {
            return;
        }

        string path = Path.Combine(Path.GetDirectoryName(typeof(FormatViews).Assembly.Location)!, FileName);
        try
        {
            // -WhatIf and -Confirm said outright, as in TokenSerialization: a what-if update loads nothing.
            using PowerShell update = PowerShell.Create(RunspaceMode.CurrentRunspace);
            update.AddCommand(@"Microsoft.PowerShell.Utility\Update-FormatData").AddParameter("AppendPath", path)
                .AddParameter("WhatIf", false).AddParameter("Confirm", false).Invoke();
            if (update.Streams.Error.Count > 0)
            {
                command.WriteDebug($"The PerplexityKeys views were not loaded: {update.Streams.Error[0].Exception.Message}");
                return;
            }
        }
        catch (Exception e) when (e is RuntimeException or InvalidOperationException or IOException)
        {
            command.WriteDebug($"The PerplexityKeys views were not loaded: {e.Message}");
            return;
        }

        // Marked only once loaded: a session that refused is asked again by its next command.
        Loaded.Add(session, path);
    }
}
