using System;
using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Security;

namespace Microsoft.PowerShell.SecretManagement
{
    /// <summary>Get-Secret: one secret by literal name (no wildcards); without -Vault, the default vault first.</summary>
    [Cmdlet(VerbsCommon.Get, "Secret", DefaultParameterSetName = NameParameterSet)]
    [OutputType(typeof(object))]
    public sealed class GetSecretCommand : SecretCmdlet
    {
        private const string NameParameterSet = "NameParameterSet";
        private const string InfoParameterSet = "InfoParameterSet";

        /// <summary>The secret's name.</summary>
        [Parameter(Position = 0, Mandatory = true, ValueFromPipeline = true, ParameterSetName = NameParameterSet)]
        public string Name { get; set; } = string.Empty;

        /// <summary>The vault to read.</summary>
        [Parameter(Position = 1, ParameterSetName = NameParameterSet)]
        public string? Vault { get; set; }

        /// <summary>The secret, as Get-SecretInfo describes it.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InfoParameterSet)]
        public SecretInformation? InputObject { get; set; }

        /// <summary>Strings and SecureStrings come back as plain text.</summary>
        [Parameter]
        public SwitchParameter AsPlainText { get; set; }

        private enum InvokeResult
        {
            Success,
            Failed,
            FailedWithTerminatingError,
        }

        /// <inheritdoc/>
        protected override void BeginProcessing() => CheckForRegisteredVaults();

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            if (ParameterSetName == InfoParameterSet)
            {
                Name = InputObject!.Name;
                Vault = InputObject.VaultName;
            }

            if (!string.IsNullOrEmpty(Vault))
            {
                if (TryInvokeAndWrite(GetExtensionVault(Vault!)) == InvokeResult.Failed)
                {
                    WriteNotFoundError();
                }

                return;
            }

            // The default vault is asked through Get-SecretInfo first: the name is a wildcard filter there.
            if (!string.IsNullOrEmpty(DefaultVaultName))
            {
                ExtensionVault vault = GetExtensionVault(DefaultVaultName);
                if (vault.InvokeGetSecretInfo(Name, this).Count > 0 && TryInvokeAndWrite(vault) == InvokeResult.Success)
                {
                    return;
                }
            }

            foreach (ExtensionVault vault in Vaults.Values)
            {
                if (vault.VaultName.Equals(DefaultVaultName, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                if (TryInvokeAndWrite(vault) == InvokeResult.Success)
                {
                    return;
                }
            }

            WriteNotFoundError();
        }

        private InvokeResult TryInvokeAndWrite(ExtensionVault vault)
        {
            try
            {
                object? result = vault.InvokeGetSecret(Name, this);
                if (result is not null)
                {
                    WriteSecret(result);
                    return InvokeResult.Success;
                }
            }
            catch (Exception e) when (!IsStopping(e))
            {
                WriteError(new ErrorRecord(e, "GetSecretException", ErrorCategory.InvalidOperation, this));
                return InvokeResult.FailedWithTerminatingError;
            }

            return InvokeResult.Failed;
        }

        private void WriteSecret(object secret)
        {
            if (secret is PSObject wrapped)
            {
                secret = wrapped.BaseObject;
            }

            if (secret is Hashtable table)
            {
                var converted = new Hashtable(table.Count);
                foreach (object key in table.Keys)
                {
                    converted.Add(key, Convert(table[key]));
                }

                WriteObject(converted);
                return;
            }

            WriteObject(Convert(secret));
        }

        // Strings become SecureStrings, unless -AsPlainText, which turns SecureStrings into strings.
        private object? Convert(object? item)
        {
            if (!AsPlainText && item is string text)
            {
                var secure = new SecureString();
                foreach (char c in text)
                {
                    secure.AppendChar(c);
                }

                secure.MakeReadOnly();
                return secure;
            }

            if (AsPlainText && item is SecureString secureItem)
            {
                return new System.Net.NetworkCredential(string.Empty, secureItem).Password;
            }

            return item;
        }

        private void WriteNotFoundError() =>
            WriteError(new ErrorRecord(
                new ItemNotFoundException(string.Format(CultureInfo.InvariantCulture, "The secret {0} was not found.", Name)),
                "GetSecretNotFound",
                ErrorCategory.ObjectNotFound,
                this));
    }
}
