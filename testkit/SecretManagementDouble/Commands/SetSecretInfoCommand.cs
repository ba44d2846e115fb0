using System.Collections;
using System.Management.Automation;

namespace Microsoft.PowerShell.SecretManagement
{
    /// <summary>Set-SecretInfo: replaces a secret's metadata through the vault's optional Set-SecretInfo.</summary>
    [Cmdlet(VerbsCommon.Set, "SecretInfo", SupportsShouldProcess = true, DefaultParameterSetName = NameParameterSet)]
    public sealed class SetSecretInfoCommand : SecretCmdlet
    {
        private const string NameParameterSet = "NameParameterSet";
        private const string InfoParameterSet = "InfoParameterSet";

        /// <summary>The secret's name.</summary>
        [Parameter(Position = 0, Mandatory = true, ParameterSetName = NameParameterSet)]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; } = string.Empty;

        /// <summary>The new metadata (replaces the old).</summary>
        [Parameter(Position = 1, Mandatory = true, ValueFromPipeline = true, ParameterSetName = NameParameterSet)]
        [Parameter(Position = 0, Mandatory = true, ParameterSetName = InfoParameterSet)]
        public Hashtable Metadata { get; set; } = new Hashtable();

        /// <summary>The vault.</summary>
        [Parameter(Position = 2, ParameterSetName = NameParameterSet)]
        public string? Vault { get; set; }

        /// <summary>The secret, as Get-SecretInfo describes it.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InfoParameterSet)]
        public SecretInformation? InputObject { get; set; }

        /// <inheritdoc/>
        protected override void BeginProcessing() => CheckForRegisteredVaults();

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            if (!ShouldProcess(Vault, "Write secret metadata to vault and override any existing metadata associated with the secret"))
            {
                return;
            }

            if (ParameterSetName == InfoParameterSet)
            {
                Name = InputObject!.Name;
                Vault = InputObject.VaultName;
            }

            if (!string.IsNullOrEmpty(Vault))
            {
                GetExtensionVault(Vault!).InvokeSetSecretMetadata(Name, Metadata, this);
                return;
            }

            if (!string.IsNullOrEmpty(DefaultVaultName))
            {
                GetExtensionVault(DefaultVaultName).InvokeSetSecretMetadata(Name, Metadata, this);
                return;
            }

            ThrowTerminatingError(new ErrorRecord(
                new PSInvalidOperationException("Unable to set secret metadata because no vault was provided and there is no default vault designated."),
                "SetSecretInfoCommandFailNoVault",
                ErrorCategory.InvalidOperation,
                this));
        }
    }
}
