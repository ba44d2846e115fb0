using System.Management.Automation;
using System.Security;

namespace Microsoft.PowerShell.SecretManagement
{
    /// <summary>Unlock-SecretVault: calls the vault's optional Unlock-SecretVault; a warning when it has none.</summary>
    [Cmdlet(VerbsCommon.Unlock, "SecretVault")]
    public sealed class UnlockSecretVaultCommand : SecretCmdlet
    {
        /// <summary>The vault.</summary>
        [Parameter(Position = 0, Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; } = string.Empty;

        /// <summary>Its password.</summary>
        [Parameter(Position = 1, Mandatory = true)]
        public SecureString? Password { get; set; }

        /// <inheritdoc/>
        protected override void EndProcessing() => GetExtensionVault(Name).InvokeUnlockSecretVault(Password!, this);
    }
}
