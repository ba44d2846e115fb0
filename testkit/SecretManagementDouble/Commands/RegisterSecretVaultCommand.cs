using System;
using System.Collections;
using System.Globalization;
using System.Linq;
using System.Management.Automation;

namespace Microsoft.PowerShell.SecretManagement
{
    /// <summary>
    /// Register-SecretVault: checks the module's &lt;Name&gt;.Extension nested module for the five required
    /// functions, records whether its Set-Secret takes -Metadata, and writes the registry. The first vault
    /// registered becomes the default.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Register, "SecretVault", SupportsShouldProcess = true)]
    [OutputType(typeof(SecretVaultInfo))]
    public sealed class RegisterSecretVaultCommand : SecretCmdlet
    {
        private const string InspectScript = @"
            param([string] $ModuleName)
            $info = if (Test-Path $ModuleName) { Get-Module -ListAvailable -Name (Resolve-Path $ModuleName).Path | Select-Object -First 1 }
                    else { Get-Module -ListAvailable -Name $ModuleName | Select-Object -First 1 }
            if (-not $info) { return @{ Error = 'RegisterSecretVaultCantGetModuleInfo'; Message = ""Could not load and retrieve module information for module: $ModuleName."" } }
            $manifest = Join-Path (Join-Path $info.ModuleBase ""$($info.Name).Extension"") ""$($info.Name).Extension.psd1""
            if (-not (Test-Path $manifest)) {
                return @{ Error = 'RegisterSecretVaultInvalidExtensionVault'; Message = ""Module $($info.Name) is not a valid extension vault: the $($info.Name).Extension nested module was not found."" }
            }
            $ext = Import-Module $manifest -PassThru -Force
            try {
                foreach ($required in 'Get-Secret', 'Set-Secret', 'Remove-Secret', 'Get-SecretInfo', 'Test-SecretVault') {
                    if (-not $ext.ExportedFunctions.ContainsKey($required)) {
                        return @{ Error = 'RegisterSecretVaultInvalidExtensionVault'; Message = ""Module $($info.Name) is not a valid extension vault: $required function not found."" }
                    }
                }
                @{ Name = $info.Name; ModuleBase = $info.ModuleBase; SetSecretSupportsMetadata = $ext.ExportedFunctions['Set-Secret'].Parameters.ContainsKey('Metadata') }
            }
            finally { Remove-Module $ext -Force }
        ";

        /// <summary>The extension vault module: a name or a path.</summary>
        [Parameter(Position = 0, Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string ModuleName { get; set; } = string.Empty;

        /// <summary>The vault's name; the module's name when left out.</summary>
        [Parameter(Position = 1)]
        [ValidateNotNullOrEmpty]
        public string? Name { get; set; }

        /// <summary>Passed to every vault function in AdditionalParameters.</summary>
        [Parameter]
        public Hashtable VaultParameters { get; set; } = new Hashtable();

        /// <summary>Make it the default vault.</summary>
        [Parameter]
        public SwitchParameter DefaultVault { get; set; }

        /// <summary>Replace a vault of the same name.</summary>
        [Parameter]
        public SwitchParameter AllowClobber { get; set; }

        /// <summary>Output the SecretVaultInfo.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary>A description.</summary>
        [Parameter]
        public string Description { get; set; } = string.Empty;

        /// <inheritdoc/>
        protected override void EndProcessing()
        {
            if (VaultParameters.ContainsKey("Verbose"))
            {
                ThrowTerminatingError(new ErrorRecord(
                    new PSArgumentException("The following names are reserved and cannot be used in the VaultParameters hashtable: Verbose"),
                    "RegisterSecretVaultCommandCannotUseReservedName",
                    ErrorCategory.InvalidArgument,
                    this));
            }

            var inspected = VaultRegistry.RunScript(InspectScript, new Hashtable { ["ModuleName"] = ModuleName }) as Hashtable;
            if (inspected is null || inspected["Error"] is string)
            {
                string id = inspected?["Error"] as string ?? "RegisterSecretVaultCantGetModuleInfo";
                string message = inspected?["Message"] as string ?? string.Format(CultureInfo.InvariantCulture, "Could not load and retrieve module information for module: {0}.", ModuleName);
                ThrowTerminatingError(new ErrorRecord(new PSInvalidOperationException(message), id, ErrorCategory.InvalidOperation, this));
            }

            string moduleName = (string)inspected!["Name"]!;
            string vaultName = string.IsNullOrEmpty(Name) ? moduleName : Name!;
            if (Vaults.ContainsKey(vaultName) && !AllowClobber)
            {
                ThrowTerminatingError(new ErrorRecord(
                    new InvalidOperationException("Provided Name for vault is already being used."),
                    "RegisterSecretVaultInvalidVaultName",
                    ErrorCategory.InvalidArgument,
                    this));
            }

            if (!ShouldProcess(vaultName, "Register module as a SecretManagement extension vault for current user"))
            {
                return;
            }

            var vault = new ExtensionVault(vaultName, moduleName, (string)inspected["ModuleBase"]!, Description, VaultParameters, inspected["SetSecretSupportsMetadata"] is true, false);
            var vaults = Vaults.Values.Where(v => !v.VaultName.Equals(vaultName, StringComparison.OrdinalIgnoreCase)).ToList();
            vaults.Add(vault);
            string defaultName = DefaultVault || string.IsNullOrEmpty(DefaultVaultName) ? vaultName : DefaultVaultName;
            VaultRegistry.Write(vaults, defaultName);
            Refresh();
            if (PassThru)
            {
                WriteObject(Vaults[vaultName].ToInfo());
            }
        }
    }
}
