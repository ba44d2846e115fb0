using System.Collections;
using System.Linq;
using System.Management.Automation.Language;
using PerplexityKeys.Core.Rotation;

namespace PerplexityKeys;

/// <summary>
/// Completes -SecretName with the secrets of the vault given as -Vault (and -ApiKeySecretName with those of -ApiKeyVault;
/// every vault when none is given), leaving out the rotation's helper secrets. Names only: no value is read, and a
/// locked vault completes nothing rather than prompt.
/// </summary>
public sealed class SecretNameCompleter : IArgumentCompleter
{
    private const string Script =
        "param($Word, $Vault) $found = if ($Vault) { Microsoft.PowerShell.SecretManagement\\Get-SecretInfo -Vault $Vault -Name \"$([WildcardPattern]::Escape($Word))*\" -ErrorAction Ignore }"
        + " else { Microsoft.PowerShell.SecretManagement\\Get-SecretInfo -Name \"$([WildcardPattern]::Escape($Word))*\" -ErrorAction Ignore }; $found | ForEach-Object Name";

    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        string vaultParameter = parameterName.StartsWith("ApiKey", StringComparison.OrdinalIgnoreCase) ? "ApiKeyVault" : "Vault";
        string? vault = fakeBoundParameters?[vaultParameter] as string;
        return CompletionRunspace.Invoke(Script, new Hashtable { ["Word"] = CompletionText.Unquote(wordToComplete), ["Vault"] = vault })
            .Select(name => name?.BaseObject as string)
            .Where(name => !string.IsNullOrEmpty(name) && !SiblingNames.IsSiblingName(name!))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Select(name => CompletionText.Result(name!));
    }
}
