using System.Collections;
using System.Linq;
using System.Management.Automation.Language;

namespace PerplexityKeys;

/// <summary>Completes -Vault and -ApiKeyVault with the vaults registered with SecretManagement (its registry only: no vault is opened).</summary>
public sealed class VaultNameCompleter : IArgumentCompleter
{
    private const string Script = "param($Word) Microsoft.PowerShell.SecretManagement\\Get-SecretVault -ErrorAction Ignore | Where-Object Name -Like \"$([WildcardPattern]::Escape($Word))*\" | ForEach-Object Name";

    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        CompletionRunspace.Invoke(Script, new Hashtable { ["Word"] = CompletionText.Unquote(wordToComplete) })
            .Select(name => name?.BaseObject as string)
            .Where(name => !string.IsNullOrEmpty(name))
            .Select(name => CompletionText.Result(name!));
}
