using System.Globalization;
using System.Management.Automation;

namespace Microsoft.PowerShell.SecretManagement
{
    /// <summary>Get-SecretVault: registered vaults, sorted by name; -Name takes wildcards.</summary>
    [Cmdlet(VerbsCommon.Get, "SecretVault")]
    [OutputType(typeof(SecretVaultInfo))]
    public sealed class GetSecretVaultCommand : SecretCmdlet
    {
        /// <summary>Vault names or wildcard patterns.</summary>
        [Parameter(Position = 0)]
        [SupportsWildcards]
        public string[]? Name { get; set; }

        /// <inheritdoc/>
        protected override void EndProcessing()
        {
            foreach (string name in Name ?? new[] { "*" })
            {
                if (WildcardPattern.ContainsWildcardCharacters(name))
                {
                    var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
                    foreach (ExtensionVault vault in Vaults.Values)
                    {
                        if (pattern.IsMatch(vault.VaultName))
                        {
                            WriteObject(vault.ToInfo());
                        }
                    }
                }
                else if (Vaults.TryGetValue(name, out ExtensionVault? vault))
                {
                    WriteObject(vault.ToInfo());
                }
                else
                {
                    WriteError(new ErrorRecord(
                        new ItemNotFoundException(string.Format(CultureInfo.InvariantCulture, "Vault {0} does not exist in registry.", name)),
                        "GetSecretVaultNotFound",
                        ErrorCategory.ObjectNotFound,
                        this));
                }
            }
        }
    }
}
