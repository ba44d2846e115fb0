using System.Collections;
using System.Linq;
using System.Management.Automation.Language;
using PerplexityKeys.Core.Rotation;

namespace PerplexityKeys;

/// <summary>
/// Completes -SecretName with the secrets of the vault given as -Vault (and -ApiKeySecretName with those of -ApiKeyVault;
/// every vault when none is given), leaving out the rotation's helper secrets. Names only: no value is read. Vaults that
/// ask for a password when locked (SecretStore, KeePass) are not asked at all: a Tab must never prompt.
/// </summary>
public sealed class SecretNameCompleter : IArgumentCompleter
{
    // The vaults to ask: the one named, or every registered one; never one whose module may prompt.
    private const string Script =
        "param($Word, $Vault, $Prompting) $vaults = Microsoft.PowerShell.SecretManagement\\Get-SecretVault -ErrorAction Ignore | Where-Object { (-not $Vault -or $_.Name -eq $Vault) -and $_.ModuleName -notmatch $Prompting };"
        + " foreach ($v in $vaults) { Microsoft.PowerShell.SecretManagement\\Get-SecretInfo -Vault $v.Name -Name \"$([WildcardPattern]::Escape($Word))*\" -ErrorAction Ignore | ForEach-Object Name }";

    /// <summary>Vault modules that ask for a password when locked (matched against the registration's ModuleName).</summary>
    internal const string PromptingVaultModules = @"(^|[\\/.])(Microsoft\.PowerShell\.SecretStore|SecretStore|SecretManagement\.KeePass|KeePass)$";

    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        string vaultParameter = parameterName.StartsWith("ApiKey", StringComparison.OrdinalIgnoreCase) ? "ApiKeyVault" : "Vault";
        string? vault = fakeBoundParameters?[vaultParameter] as string;
        return CompletionRunspace.Invoke(Script, new Hashtable { ["Word"] = CompletionText.Unquote(wordToComplete), ["Vault"] = vault, ["Prompting"] = PromptingVaultModules })
            .Select(name => name?.BaseObject as string)
            .Where(name => !string.IsNullOrEmpty(name) && !SiblingNames.IsSiblingName(name!))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Select(name => CompletionText.Result(name!));
    }
}
