using System.Management.Automation.Runspaces;

namespace PerplexityKeys;

/// <summary>
/// Keeps a PplxToken's key out of CLIXML (Export-Clixml, remoting, background jobs): only its name, fingerprint, creation
/// time and base URI are serialized, so Import-Clixml gives back a token without a key. On Linux and macOS Export-Clixml
/// writes a SecureString as hex-encoded plain text. The rule is dynamic type data, added to a session's type table by
/// the import (before any token can reach the session, even from another runspace) and, where the import could not,
/// by the first command. Not a types file in the manifest: its data would leave with Remove-Module while the session
/// keeps its tokens, and importing a module with that types file after the rule was added failed ("already present").
/// </summary>
public sealed class TokenSerialization : IModuleAssemblyInitializer
{
    /// <summary>What a PplxToken serializes.</summary>
    internal static readonly string[] SerializedProperties = ["Name", "Fingerprint", "CreatedAt", "BaseUri"];

    private static readonly SessionSetup Rule = new(
        @"Microsoft.PowerShell.Utility\Update-TypeData",
        () => new Dictionary<string, object>
        {
            ["TypeData"] = new TypeData(typeof(PplxToken).FullName)
            {
                SerializationMethod = "SpecificProperties",
                PropertySerializationSet = new PropertySetData(SerializedProperties),
            },
            ["Force"] = true,
        });

    /// <inheritdoc />
    public void OnImport() => Rule.TryApply();

    /// <summary>At a command's start: applies the rule if the import could not, and warns when the session refuses it.</summary>
    internal static void EnsureApplied(PSCmdlet command)
    {
        if (Rule.TryApply() is { } refused)
        {
            command.WriteWarning($"PplxToken objects of this session are not protected from Export-Clixml, which would write their key: {refused}");
        }
    }
}
