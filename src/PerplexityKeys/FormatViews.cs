using System.IO;

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

    private static readonly SessionSetup Load = new(
        @"Microsoft.PowerShell.Utility\Update-FormatData",
        () => new Dictionary<string, object> { ["AppendPath"] = Path.Combine(Path.GetDirectoryName(typeof(FormatViews).Assembly.Location)!, FileName) });

    /// <summary>Loads the views into the command's session once; a session that refuses (JEA, a locked format table) keeps PowerShell's default views and is asked again by its next command.</summary>
    internal static void EnsureLoaded(PSCmdlet command)
    {
        if (Load.TryApply() is { } refused)
        {
            command.WriteDebug($"The PerplexityKeys views were not loaded: {refused}");
        }
    }
}
