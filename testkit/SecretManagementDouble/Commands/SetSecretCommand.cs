using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Security;

namespace Microsoft.PowerShell.SecretManagement
{
    /// <summary>Set-Secret: writes to -Vault, else to the default vault; -NoClobber checks through the vault's Get-Secret.</summary>
    [Cmdlet(VerbsCommon.Set, "Secret", SupportsShouldProcess = true, DefaultParameterSetName = SecureStringParameterSet)]
    public sealed class SetSecretCommand : SecretCmdlet
    {
        private const string SecureStringParameterSet = "SecureStringParameterSet";
        private const string ObjectParameterSet = "ObjectParameterSet";
        private const string SecretInfoParameterSet = "SecretInfoParameterSet";
        private const string SecretExistsError = "A secret with name {0} already exists in vault {1}.";

        /// <summary>The secret's name.</summary>
        [Parameter(ParameterSetName = ObjectParameterSet, Position = 0, Mandatory = true)]
        [Parameter(ParameterSetName = SecureStringParameterSet, Position = 0, Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; } = string.Empty;

        /// <summary>The secret: byte[], string, SecureString, PSCredential or Hashtable.</summary>
        [Parameter(Position = 1, Mandatory = true, ValueFromPipeline = true, ParameterSetName = ObjectParameterSet)]
        public object? Secret { get; set; }

        /// <summary>The secret as a SecureString.</summary>
        [Parameter(Position = 1, Mandatory = true, ValueFromPipeline = true, ParameterSetName = SecureStringParameterSet)]
        public SecureString? SecureStringSecret { get; set; }

        /// <summary>A secret to copy from its vault into -Vault.</summary>
        [Parameter(Position = 1, Mandatory = true, ValueFromPipeline = true, ParameterSetName = SecretInfoParameterSet)]
        public SecretInformation? SecretInfo { get; set; }

        /// <summary>The vault to write.</summary>
        [Parameter(Position = 2, ParameterSetName = ObjectParameterSet)]
        [Parameter(Position = 2, ParameterSetName = SecureStringParameterSet)]
        [Parameter(ParameterSetName = SecretInfoParameterSet, Mandatory = true)]
        public string? Vault { get; set; }

        /// <summary>Metadata for the secret.</summary>
        [Parameter(Position = 3, ParameterSetName = ObjectParameterSet)]
        [Parameter(Position = 3, ParameterSetName = SecureStringParameterSet)]
        public Hashtable? Metadata { get; set; }

        /// <summary>Refuse to overwrite an existing secret.</summary>
        [Parameter]
        public SwitchParameter NoClobber { get; set; }

        /// <inheritdoc/>
        protected override void BeginProcessing() => CheckForRegisteredVaults();

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            if (!ShouldProcess(Vault, "Write secret to vault and override any existing secret of the same name"))
            {
                return;
            }

            object? secretToWrite = null;
            switch (ParameterSetName)
            {
                case SecretInfoParameterSet:
                    ExtensionVault source = GetExtensionVault(SecretInfo!.VaultName);
                    object? secret = source.InvokeGetSecret(SecretInfo.Name, this);
                    ExtensionVault destination = GetExtensionVault(Vault!);
                    if (NoClobber && destination.InvokeGetSecret(SecretInfo.Name, this) is not null)
                    {
                        WriteError(new ErrorRecord(
                            new PSInvalidOperationException(string.Format(CultureInfo.InvariantCulture, SecretExistsError, SecretInfo.Name, destination.VaultName)),
                            "SetSecretCommandAlreadyExistsWithNoClobber",
                            ErrorCategory.ResourceExists,
                            this));
                        return;
                    }

                    destination.InvokeSetSecret(SecretInfo.Name, secret, ToHashtable(SecretInfo), this);
                    return;

                case SecureStringParameterSet:
                    secretToWrite = SecureStringSecret;
                    break;

                case ObjectParameterSet:
                    secretToWrite = Secret is PSObject wrapped ? wrapped.BaseObject : Secret;
                    break;
            }

            if (!string.IsNullOrEmpty(Vault))
            {
                WriteSecret(GetExtensionVault(Vault!), secretToWrite);
                return;
            }

            if (!string.IsNullOrEmpty(DefaultVaultName))
            {
                WriteSecret(GetExtensionVault(DefaultVaultName), secretToWrite);
                return;
            }

            ThrowTerminatingError(new ErrorRecord(
                new PSInvalidOperationException("Unable to set secret because no vault was provided and there is no default vault designated."),
                "SetSecretCommandFailNoVault",
                ErrorCategory.InvalidOperation,
                this));
        }

        private static Hashtable? ToHashtable(SecretInformation info)
        {
            if (info.Metadata is null)
            {
                return null;
            }

            var table = new Hashtable();
            foreach (var pair in info.Metadata)
            {
                table[pair.Key] = pair.Value;
            }

            return table;
        }

        private void WriteSecret(ExtensionVault vault, object? secretToWrite)
        {
            if (NoClobber && vault.InvokeGetSecret(Name, this) is not null)
            {
                ThrowTerminatingError(new ErrorRecord(
                    new PSInvalidOperationException(string.Format(CultureInfo.InvariantCulture, SecretExistsError, Name, vault.VaultName)),
                    "SetSecretCommandAlreadyExistsWithNoClobber",
                    ErrorCategory.ResourceExists,
                    this));
            }

            vault.InvokeSetSecret(Name, secretToWrite, Metadata, this);
        }
    }
}
