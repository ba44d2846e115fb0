namespace PerplexityKeys.Core.Vault;

/// <summary>A vault operation failed (write refused, vault error).</summary>
public sealed class PplxVaultOperationException : PplxVaultException
{
    /// <summary>Creates the exception.</summary>
    public PplxVaultOperationException(string message, string vault, string? secretName, Exception? innerException = null)
        : base(message, vault, secretName, innerException)
    {
    }
}
