using System.Management.Automation;

namespace Microsoft.PowerShell.SecretManagement
{
    /// <summary>Remove-Secret: -Vault is mandatory; ConfirmImpact is Medium, as in the real module.</summary>
    [Cmdlet(VerbsCommon.Remove, "Secret", SupportsShouldProcess = true)]
    public sealed class RemoveSecretCommand : SecretCmdlet
    {
        private const string NameParameterSet = "NameParameterSet";
        private const string InfoParameterSet = "InfoParameterSet";

        /// <summary>The secret's name.</summary>
        [Parameter(Position = 0, Mandatory = true, ValueFromPipeline = true, ParameterSetName = NameParameterSet)]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; } = string.Empty;

        /// <summary>The vault.</summary>
        [Parameter(Position = 1, Mandatory = true, ParameterSetName = NameParameterSet)]
        [ValidateNotNullOrEmpty]
        public string Vault { get; set; } = string.Empty;

        /// <summary>The secret, as Get-SecretInfo describes it.</summary>
        [Parameter(Position = 0, Mandatory = true, ValueFromPipeline = true, ParameterSetName = InfoParameterSet)]
        public SecretInformation? InputObject { get; set; }

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            if (!ShouldProcess(Vault, "Remove secret by name from vault"))
            {
                return;
            }

            if (ParameterSetName == InfoParameterSet)
            {
                Name = InputObject!.Name;
                Vault = InputObject.VaultName;
            }

            GetExtensionVault(Vault).InvokeRemoveSecret(Name, this);
        }
    }
}
