using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;

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
    private static readonly ConditionalWeakTable<Runspace, string> Applied = new();

    /// <summary>What a PplxToken serializes.</summary>
    internal static readonly string[] SerializedProperties = ["Name", "Fingerprint", "CreatedAt", "BaseUri"];

    /// <inheritdoc />
    public void OnImport() => TryApply();

    /// <summary>At a command's start: applies the rule if the import could not, and warns when the session refuses it.</summary>
    internal static void EnsureApplied(PSCmdlet command)
    {
        if (TryApply() is { } refused)
        {
            command.WriteWarning($"PplxToken objects of this session are not protected from Export-Clixml, which would write their key: {refused}");
        }
    }

    /// <summary>Applies the rule once per runspace; null when it is in place (or there is no runspace), else why not.</summary>
    private static string? TryApply()
    {
        Runspace? session = Runspace.DefaultRunspace;
        if (session is null || Applied.TryGetValue(session, out _))
        {
            return null;
        }

        var rule = new TypeData(typeof(PplxToken).FullName)
        {
            SerializationMethod = "SpecificProperties",
            PropertySerializationSet = new PropertySetData(SerializedProperties),
        };
        try
        {
            using PowerShell update = PowerShell.Create(RunspaceMode.CurrentRunspace);
            // -WhatIf and -Confirm said outright: the caller's $WhatIfPreference or $ConfirmPreference (a dry run, a
            // function called with -Confirm) would otherwise reach this pipeline, and a rule "applied" as a what-if is none.
            update.AddCommand(@"Microsoft.PowerShell.Utility\Update-TypeData").AddParameter("TypeData", rule).AddParameter("Force")
                .AddParameter("WhatIf", false).AddParameter("Confirm", false).Invoke();
            if (update.Streams.Error.Count > 0)
            {
                return update.Streams.Error[0].Exception.Message;
            }
        }
        catch (Exception e) when (e is RuntimeException or InvalidOperationException)
        {
            return e.Message;
        }

        Applied.Add(session, string.Empty);
        return null;
    }
}
