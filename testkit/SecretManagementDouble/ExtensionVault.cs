using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Security;

namespace Microsoft.PowerShell.SecretManagement
{
    /// <summary>
    /// One registered vault and the calls into its functions, wrapped as SecretManagement 1.1.2 wraps them:
    /// a function that throws becomes a non-terminating &lt;Verb&gt;InvalidOperation error whose InnerException
    /// is the vault's exception, except a PasswordRequiredException, which is unwrapped and thrown.
    /// </summary>
    internal sealed class ExtensionVault
    {
        public ExtensionVault(string vaultName, string moduleName, string modulePath, string description, Hashtable vaultParameters, bool setSecretSupportsMetadata, bool isDefault)
        {
            VaultName = vaultName;
            ModuleName = moduleName;
            ModulePath = modulePath;
            Description = description;
            VaultParameters = vaultParameters;
            SetSecretSupportsMetadata = setSecretSupportsMetadata;
            IsDefault = isDefault;
        }

        public string VaultName { get; }

        public string ModuleName { get; }

        public string ModuleExtensionName => ModuleName + ".Extension";

        public string ModulePath { get; }

        public string Description { get; }

        public Hashtable VaultParameters { get; }

        public bool SetSecretSupportsMetadata { get; }

        public bool IsDefault { get; }

        public SecretVaultInfo ToInfo() => new SecretVaultInfo(VaultName, ModuleName, ModulePath, Description, VaultParameters, IsDefault);

        public void InvokeSetSecret(string name, object? secret, Hashtable? metadata, PSCmdlet cmdlet)
        {
            var parameters = new Hashtable { ["Name"] = name, ["Secret"] = secret };
            if (SetSecretSupportsMetadata)
            {
                parameters["Metadata"] = metadata ?? new Hashtable();
            }

            Run(cmdlet, VaultInvoker.RunCommandScript, "Set-Secret", parameters, out Exception? error);
            if (error is not null)
            {
                Fail(cmdlet, error, "SetSecretInvalidOperation", string.Format(CultureInfo.InvariantCulture, "Unable to add secret {0} to vault {1}", name, VaultName));
                return;
            }

            // Metadata the vault's Set-Secret cannot take goes through its Set-SecretInfo; without one, the
            // secret is removed again (the real module's hazard).
            if (metadata?.Count > 0 && !SetSecretSupportsMetadata && !InvokeSetSecretMetadata(name, metadata, cmdlet))
            {
                InvokeRemoveSecret(name, cmdlet);
                return;
            }

            cmdlet.WriteVerbose(string.Format(CultureInfo.InvariantCulture, "Secret {0} was successfully added to vault {1}.", name, VaultName));
        }

        public bool InvokeSetSecretMetadata(string name, Hashtable metadata, PSCmdlet cmdlet)
        {
            var results = Run(cmdlet, VaultInvoker.RunConditionalCommandScript, "Set-SecretInfo", new Hashtable { ["Name"] = name, ["Metadata"] = metadata }, out Exception? error);
            if (error is not null)
            {
                Fail(cmdlet, error, "SetSecretMetadataInvalidOperation", string.Format(CultureInfo.InvariantCulture, "Cannot add secret metadata '{0}' to vault '{1}'", name, VaultName));
                return false;
            }

            int result = results.Count > 0 && results[0] is int r ? r : 0;
            if (result == 1)
            {
                cmdlet.WriteError(new ErrorRecord(
                    new PSInvalidOperationException(string.Format(CultureInfo.InvariantCulture, "Cannot add secret metadata '{0}' to vault '{1}': Extension module could not load.", name, VaultName)),
                    "SetSecretMetaDataCommandModuleLoadFail",
                    ErrorCategory.InvalidOperation,
                    this));
            }
            else if (result == 2)
            {
                // The closing quote really is missing in the original message.
                cmdlet.WriteError(new ErrorRecord(
                    new PSNotSupportedException(string.Format(CultureInfo.InvariantCulture, "Cannot add secret metadata '{0}' to vault '{1}: The vault does not support the Set-SecretInfo function.", name, VaultName)),
                    "SetSecretMetadataCommandNotSupported",
                    ErrorCategory.NotImplemented,
                    this));
            }

            return result == 0;
        }

        /// <summary>The secret, or null (missing, failed, or of a type SecretManagement refuses).</summary>
        public object? InvokeGetSecret(string name, PSCmdlet cmdlet)
        {
            var results = Run(cmdlet, VaultInvoker.RunCommandScript, "Get-Secret", new Hashtable { ["Name"] = name }, out Exception? error);
            if (error is not null)
            {
                Fail(cmdlet, error, "GetSecretInvalidOperation", string.Format(CultureInfo.InvariantCulture, "Unable to get secret {0} from vault {1}", name, VaultName));
            }

            if (results.Count == 0)
            {
                return null;
            }

            object value = results[0];
            if (value is byte)
            {
                var bytes = new byte[results.Count];
                for (int i = 0; i < results.Count; i++)
                {
                    bytes[i] = (byte)results[i];
                }

                value = bytes;
            }

            if (value is List<object> list && list.Count > 0)
            {
                value = list[0];
            }

            switch (value)
            {
                case string:
                case SecureString:
                case byte[]:
                case PSCredential:
                case Hashtable:
                    return value;
                default:
                    cmdlet.WriteError(new ErrorRecord(
                        new PSInvalidOperationException(
                            string.Format(CultureInfo.InvariantCulture, "Secret object returned for '{0}' from vault '{1}' is of invalid type '{2}'", name, VaultName, value.GetType()),
                            error),
                        "GetSecretInvalidOperation",
                        ErrorCategory.InvalidOperation,
                        this));
                    return null;
            }
        }

        public void InvokeRemoveSecret(string name, PSCmdlet cmdlet)
        {
            Run(cmdlet, VaultInvoker.RunCommandScript, "Remove-Secret", new Hashtable { ["Name"] = name }, out Exception? error);
            if (error is not null)
            {
                Fail(cmdlet, error, "RemoveSecretInvalidOperation", string.Format(CultureInfo.InvariantCulture, "Unable to remove secret {0} from vault {1}", name, VaultName));
                return;
            }

            cmdlet.WriteVerbose(string.Format(CultureInfo.InvariantCulture, "Secret {0} was successfully removed from vault {1}.", name, VaultName));
        }

        public List<SecretInformation> InvokeGetSecretInfo(string filter, PSCmdlet cmdlet)
        {
            var results = Run(cmdlet, VaultInvoker.RunCommandScript, "Get-SecretInfo", new Hashtable { ["Filter"] = filter }, out Exception? error);
            if (error is not null)
            {
                Fail(cmdlet, error, "GetSecretInfoInvalidOperation", string.Format(CultureInfo.InvariantCulture, "Unable to get secret information from vault {0}", VaultName));
            }

            var infos = new List<SecretInformation>();
            foreach (object item in results)
            {
                if (item is SecretInformation info)
                {
                    infos.Add(info);
                }
                else if (item is SecretInformation[] array)
                {
                    infos.AddRange(array);
                }
            }

            return infos;
        }

        public bool InvokeTestVault(PSCmdlet cmdlet)
        {
            var results = Run(cmdlet, VaultInvoker.RunCommandScript, "Test-SecretVault", new Hashtable(), out Exception? error);
            if (error is not null)
            {
                Fail(cmdlet, error, "TestSecretVaultInvalidOperation", string.Format(CultureInfo.InvariantCulture, "Unable to run Test-SecretVault on vault {0}", VaultName));
            }

            return results.Count > 0 && results[0] is bool b && b;
        }

        public bool InvokeUnlockSecretVault(SecureString password, PSCmdlet cmdlet)
        {
            var results = Run(cmdlet, VaultInvoker.RunConditionalCommandScript, "Unlock-SecretVault", new Hashtable { ["Password"] = password }, out Exception? error);
            if (error is not null)
            {
                ThrowPasswordRequired(error);
                cmdlet.WriteError(new ErrorRecord(
                    new PSInvalidOperationException(string.Format(CultureInfo.InvariantCulture, "Unlocking vault '{0}' failed with error: {1}", VaultName, error.Message), error),
                    "UnlockSecretVaultInvalidOperation",
                    ErrorCategory.InvalidOperation,
                    this));
                return false;
            }

            int result = results.Count > 0 && results[0] is int r ? r : 0;
            if (result == 1)
            {
                cmdlet.WriteError(new ErrorRecord(
                    new PSInvalidOperationException(string.Format(CultureInfo.InvariantCulture, "Cannot unlock extension vault '{0}': Extension module could not load.", VaultName)),
                    "UnlockSecretVaultCommandModuleLoadFail",
                    ErrorCategory.InvalidOperation,
                    this));
            }
            else if (result == 2)
            {
                cmdlet.WriteWarning(string.Format(CultureInfo.InvariantCulture, "Cannot unlock extension vault '{0}': The vault does not support the Unlock-SecretVault function.", VaultName));
            }

            return result == 0;
        }

        private Collection<object> Run(PSCmdlet cmdlet, string script, string command, Hashtable parameters, out Exception? error)
        {
            VaultFunctionCalls.Count(command);
            return VaultInvoker.Invoke(
                cmdlet,
                script,
                new object[] { ModuleName, ModulePath, ModuleExtensionName, command, VaultInvoker.Parameters(this, cmdlet, parameters) },
                out error);
        }

        private void Fail(PSCmdlet cmdlet, Exception error, string errorId, string message)
        {
            ThrowPasswordRequired(error);
            cmdlet.WriteError(new ErrorRecord(new PSInvalidOperationException(message, error), errorId, ErrorCategory.InvalidOperation, this));
        }

        /// <summary>Unwraps a PasswordRequiredException inner exception and throws it directly, as the real module does.</summary>
        private static void ThrowPasswordRequired(Exception error)
        {
            if (error.InnerException is PasswordRequiredException passwordRequired)
            {
                throw passwordRequired;
            }
        }
    }
}
