using System.Management.Automation;

namespace Microsoft.PowerShell.SecretManagement
{
    /// <summary>Set-SecretVaultDefault: by name, by SecretVaultInfo, or -ClearDefault to leave no default.</summary>
    [Cmdlet(VerbsCommon.Set, "SecretVaultDefault", SupportsShouldProcess = true, DefaultParameterSetName = NameParameterSet)]
    public sealed class SetSecretVaultDefaultCommand : SecretCmdlet
    {
        private const string NameParameterSet = "NameParameterSet";
        private const string SecretVaultParameterSet = "SecretVaultParameterSet";
        private const string ClearParameterSet = "ClearParameterSet";

        /// <summary>The vault.</summary>
        [Parameter(ParameterSetName = NameParameterSet, Position = 0, Mandatory = true, ValueFromPipeline = true)]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; } = string.Empty;

        /// <summary>A vault from Get-SecretVault.</summary>
        [Parameter(ParameterSetName = SecretVaultParameterSet, Position = 0, Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNull]
        public SecretVaultInfo? SecretVault { get; set; }

        /// <summary>Leave no default vault.</summary>
        [Parameter(ParameterSetName = ClearParameterSet)]
        public SwitchParameter ClearDefault { get; set; }

        /// <inheritdoc/>
        protected override void EndProcessing()
        {
            if (!ShouldProcess(Name, "Set vault as default"))
            {
                return;
            }

            string vaultName = ParameterSetName switch
            {
                SecretVaultParameterSet => SecretVault!.Name,
                ClearParameterSet => string.Empty,
                _ => Name,
            };

            if (vaultName.Length > 0 && !Vaults.ContainsKey(vaultName))
            {
                ThrowTerminatingError(new ErrorRecord(
                    new ItemNotFoundException("Vault name was not found."),
                    "VaultNotFound",
                    ErrorCategory.ObjectNotFound,
                    this));
            }

            string stored = vaultName.Length > 0 ? Vaults[vaultName].VaultName : string.Empty;
            VaultRegistry.Write(Vaults.Values, stored);
            Refresh();
        }
    }
}
