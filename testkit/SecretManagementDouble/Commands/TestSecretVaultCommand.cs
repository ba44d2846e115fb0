using System.Globalization;
using System.Management.Automation;

namespace Microsoft.PowerShell.SecretManagement
{
    /// <summary>Test-SecretVault: one bool, the AND of every vault tested.</summary>
    [Cmdlet(VerbsDiagnostic.Test, "SecretVault")]
    [OutputType(typeof(bool))]
    public sealed class TestSecretVaultCommand : SecretCmdlet
    {
        /// <summary>Vault names or wildcard patterns; all vaults when left out.</summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        public string[]? Name { get; set; }

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            int count = 0;
            bool result = true;
            foreach (string name in Name ?? new[] { "*" })
            {
                if (WildcardPattern.ContainsWildcardCharacters(name))
                {
                    var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
                    foreach (ExtensionVault vault in Vaults.Values)
                    {
                        if (pattern.IsMatch(vault.VaultName))
                        {
                            count++;
                            result &= Test(vault);
                        }
                    }
                }
                else if (Vaults.TryGetValue(name, out ExtensionVault? vault))
                {
                    count++;
                    result &= Test(vault);
                }
                else
                {
                    WriteError(new ErrorRecord(
                        new ItemNotFoundException(string.Format(CultureInfo.InvariantCulture, "Vault {0} does not exist in registry.", name)),
                        "TestSecretVaultNotFound",
                        ErrorCategory.ObjectNotFound,
                        this));
                }
            }

            if (count > 0)
            {
                WriteObject(result);
            }
        }

        private bool Test(ExtensionVault vault)
        {
            bool ok = vault.InvokeTestVault(this);
            WriteVerbose(string.Format(CultureInfo.InvariantCulture, ok ? "Vault {0} succeeded validation test" : "Vault {0} failed validation test", vault.VaultName));
            return ok;
        }
    }
}
