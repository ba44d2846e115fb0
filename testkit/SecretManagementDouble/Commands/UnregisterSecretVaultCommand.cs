using System;
using System.Globalization;
using System.Linq;
using System.Management.Automation;

namespace Microsoft.PowerShell.SecretManagement
{
    /// <summary>Unregister-SecretVault: by name (wildcards) or SecretVaultInfo; clears the default when it goes.</summary>
    [Cmdlet(VerbsLifecycle.Unregister, "SecretVault", SupportsShouldProcess = true, DefaultParameterSetName = NameParameterSet)]
    public sealed class UnregisterSecretVaultCommand : SecretCmdlet
    {
        private const string NameParameterSet = "NameParameterSet";
        private const string SecretVaultParameterSet = "SecretVaultParameterSet";

        /// <summary>Vault names or wildcard patterns.</summary>
        [Parameter(ParameterSetName = NameParameterSet, Position = 0, Mandatory = true, ValueFromPipeline = true)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[] Name { get; set; } = Array.Empty<string>();

        /// <summary>A vault from Get-SecretVault.</summary>
        [Parameter(ParameterSetName = SecretVaultParameterSet, Position = 0, Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNull]
        public SecretVaultInfo? SecretVault { get; set; }

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            string[] names = ParameterSetName == SecretVaultParameterSet ? new[] { SecretVault!.Name } : Name;
            foreach (string name in names)
            {
                if (WildcardPattern.ContainsWildcardCharacters(name))
                {
                    var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
                    foreach (string match in Vaults.Keys.Where(pattern.IsMatch).ToList())
                    {
                        Remove(match);
                    }

                    return;
                }

                Remove(name);
            }
        }

        private void Remove(string name)
        {
            if (!ShouldProcess(name, "Unregister SecretManagement extension vault module for current user"))
            {
                return;
            }

            if (!Vaults.ContainsKey(name))
            {
                WriteError(new ErrorRecord(
                    new ItemNotFoundException(string.Format(CultureInfo.InvariantCulture, "Unable to find secret vault {0} to unregister it.", name)),
                    "UnregisterSecretVaultObjectNotFound",
                    ErrorCategory.ObjectNotFound,
                    this));
                return;
            }

            string defaultName = DefaultVaultName.Equals(name, StringComparison.OrdinalIgnoreCase) ? string.Empty : DefaultVaultName;
            VaultRegistry.Write(Vaults.Values.Where(v => !v.VaultName.Equals(name, StringComparison.OrdinalIgnoreCase)), defaultName);
            Refresh();
        }
    }
}
