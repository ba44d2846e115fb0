using System;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;

namespace Microsoft.PowerShell.SecretManagement
{
    /// <summary>What the secret cmdlets share: the registry as it is now, and finding a vault in it.</summary>
    public abstract class SecretCmdlet : PSCmdlet
    {
        private const string NoVaultRegistered = "There are currently no extension vaults registered.\nAt least one vault must be registered before SecretManagement can add or retrieve secrets.\nYou can download SecretManagement extension vault modules from PowerShellGallery.\nhttps://aka.ms/SecretManagementVaults";

        private SortedDictionary<string, ExtensionVault>? _vaults;
        private string _defaultVaultName = string.Empty;

        internal SortedDictionary<string, ExtensionVault> Vaults
        {
            get
            {
                if (_vaults is null)
                {
                    _vaults = VaultRegistry.Read(out _defaultVaultName);
                }

                return _vaults;
            }
        }

        internal string DefaultVaultName
        {
            get
            {
                _ = Vaults;
                return _defaultVaultName;
            }
        }

        /// <summary>The vault, or a terminating GetSecretVaultNotFound.</summary>
        internal ExtensionVault GetExtensionVault(string name)
        {
            if (!Vaults.TryGetValue(name, out ExtensionVault? vault))
            {
                ThrowTerminatingError(new ErrorRecord(
                    new PSInvalidOperationException(string.Format(CultureInfo.InvariantCulture, "Vault not found in registry: {0}", name)),
                    "GetSecretVaultNotFound",
                    ErrorCategory.ObjectNotFound,
                    this));
            }

            return vault!;
        }

        /// <summary>The warning the real module prints when no vault is registered.</summary>
        internal void CheckForRegisteredVaults()
        {
            if (Vaults.Count == 0)
            {
                WriteWarning(NoVaultRegistered);
            }
        }

        /// <summary>Reads the registry again (after this cmdlet changed it).</summary>
        internal void Refresh() => _vaults = null;

        /// <summary>True for an exception the secret cmdlets must let through: the pipeline is being stopped.</summary>
        internal static bool IsStopping(Exception e) => e is PipelineStoppedException;
    }
}
