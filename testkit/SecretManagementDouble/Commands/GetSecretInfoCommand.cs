using System;
using System.Collections.Generic;
using System.Management.Automation;

namespace Microsoft.PowerShell.SecretManagement
{
    /// <summary>Get-SecretInfo: -Name is a wildcard filter; every vault, the default first, each sorted by name.</summary>
    [Cmdlet(VerbsCommon.Get, "SecretInfo")]
    [OutputType(typeof(SecretInformation))]
    public sealed class GetSecretInfoCommand : SecretCmdlet
    {
        /// <summary>A wildcard filter on secret names.</summary>
        [Parameter(Position = 0)]
        [SupportsWildcards]
        public string? Name { get; set; }

        /// <summary>The one vault to list.</summary>
        [Parameter(Position = 1)]
        public string? Vault { get; set; }

        /// <inheritdoc/>
        protected override void BeginProcessing() => CheckForRegisteredVaults();

        /// <inheritdoc/>
        protected override void EndProcessing()
        {
            if (string.IsNullOrEmpty(Name))
            {
                Name = "*";
            }

            if (!string.IsNullOrEmpty(Vault))
            {
                WriteExtensionResults(GetExtensionVault(Vault!));
                return;
            }

            if (!string.IsNullOrEmpty(DefaultVaultName))
            {
                WriteExtensionResults(GetExtensionVault(DefaultVaultName));
            }

            foreach (ExtensionVault vault in Vaults.Values)
            {
                if (!vault.VaultName.Equals(DefaultVaultName, StringComparison.OrdinalIgnoreCase))
                {
                    WriteExtensionResults(vault);
                }
            }
        }

        private void WriteExtensionResults(ExtensionVault vault)
        {
            try
            {
                // Names must be unique per vault: the real module sorts them in a dictionary.
                var sorted = new SortedDictionary<string, SecretInformation>(StringComparer.OrdinalIgnoreCase);
                foreach (SecretInformation info in vault.InvokeGetSecretInfo(Name!, this))
                {
                    sorted.Add(info.Name, info);
                }

                foreach (SecretInformation info in sorted.Values)
                {
                    WriteObject(info);
                }
            }
            catch (Exception e) when (!IsStopping(e))
            {
                WriteError(new ErrorRecord(e, "GetSecretInfoException", ErrorCategory.InvalidOperation, this));
            }
        }
    }
}
