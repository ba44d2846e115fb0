using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.ObjectModel;

namespace Microsoft.PowerShell.SecretManagement
{
    /// <summary>As SecretManagement 1.1.2 defines it.</summary>
    public enum SecretType
    {
        Unknown = 0,
        ByteArray,
        String,
        SecureString,
        PSCredential,
        Hashtable,
    }

    /// <summary>What Get-SecretInfo returns; Metadata is null when the vault gave none.</summary>
    public sealed class SecretInformation
    {
        public SecretInformation(string name, SecretType type, string vaultName)
            : this(name, type, vaultName, (ReadOnlyDictionary<string, object>?)null)
        {
        }

        public SecretInformation(string name, SecretType type, string vaultName, Hashtable? metadata)
            : this(name, type, vaultName, metadata is null ? null : ToDictionary(metadata))
        {
        }

        public SecretInformation(string name, SecretType type, string vaultName, ReadOnlyDictionary<string, object>? metadata)
        {
            Name = name;
            Type = type;
            VaultName = vaultName;
            Metadata = metadata;
        }

        public string Name { get; }

        public SecretType Type { get; }

        public string VaultName { get; }

        public ReadOnlyDictionary<string, object>? Metadata { get; }

        private static ReadOnlyDictionary<string, object> ToDictionary(Hashtable table)
        {
            var d = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase);
            foreach (DictionaryEntry e in table)
            {
                d[e.Key.ToString()!] = e.Value!;
            }

            return new ReadOnlyDictionary<string, object>(d);
        }
    }

    /// <summary>Thrown by a vault that needs a password.</summary>
    public sealed class PasswordRequiredException : InvalidOperationException
    {
        public PasswordRequiredException()
            : base("A valid password is required to access the vault.")
        {
        }

        public PasswordRequiredException(string message)
            : base(message)
        {
        }
    }

    /// <summary>What Get-SecretVault returns.</summary>
    public sealed class SecretVaultInfo
    {
        public SecretVaultInfo(string name, string moduleName, string modulePath, string? description, Hashtable vaultParameters, bool isDefault)
        {
            Name = name;
            ModuleName = moduleName;
            ModulePath = modulePath;
            Description = description;
            VaultParameters = vaultParameters;
            IsDefault = isDefault;
        }

        public string Name { get; }

        public string ModuleName { get; }

        public string ModulePath { get; }

        public string? Description { get; }

        public Hashtable VaultParameters { get; }

        public bool IsDefault { get; }
    }
}
