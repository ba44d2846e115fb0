namespace PerplexityKeys.Core.Vault;

/// <summary>The secret exists but holds a type that cannot be a key (hashtable, byte[]).</summary>
public sealed class PplxSecretTypeException : PplxVaultException
{
    /// <summary>Creates the exception.</summary>
    public PplxSecretTypeException(string vault, string secretName, string actualType)
        : base($"The secret '{secretName}' in vault '{vault}' is a {actualType}; a key must be stored as a string, SecureString or PSCredential (password = key). Nothing was changed.", vault, secretName)
    {
        ActualType = actualType;
    }

    /// <summary>What the secret holds.</summary>
    public string ActualType { get; }
}
