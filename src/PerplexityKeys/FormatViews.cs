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
    internal static void EnsureLoaded(PSCmdlet command)
    {
        Runspace? session = Runspace.DefaultRunspace;
        if (session is null || Loaded.TryGetValue(session, out _))
        {
            return;
        }

        string path = Path.Combine(Path.GetDirectoryName(typeof(FormatViews).Assembly.Location)!, FileName);
        Loaded.Add(session, path);
        try
        {
            using PowerShell update = PowerShell.Create(RunspaceMode.CurrentRunspace);
            update.AddCommand(@"Microsoft.PowerShell.Utility\Update-FormatData").AddParameter("AppendPath", path).Invoke();
            foreach (ErrorRecord error in update.Streams.Error)
            {
                command.WriteDebug($"The PerplexityKeys views were not loaded: {error.Exception.Message}");
            }
        }
        catch (Exception e) when (e is RuntimeException or InvalidOperationException or IOException)
        {
            command.WriteDebug($"The PerplexityKeys views were not loaded: {e.Message}");
        }
    }
}
