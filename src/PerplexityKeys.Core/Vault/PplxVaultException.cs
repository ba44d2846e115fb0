namespace PerplexityKeys.Core.Vault;

/// <summary>A vault failed or refused; carries the vault and secret names, never a value.</summary>
public class PplxVaultException : PplxException
{
    /// <summary>Creates the exception.</summary>
    public PplxVaultException(string message, string vault, string? secretName, Exception? innerException = null)
        : base(message, innerException)
    {
        Vault = vault;
        SecretName = secretName;
    }

    /// <summary>The vault.</summary>
    public string Vault { get; }

    /// <summary>The secret, when one was involved.</summary>
    public string? SecretName { get; }
}
