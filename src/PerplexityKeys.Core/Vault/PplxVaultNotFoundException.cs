namespace PerplexityKeys.Core.Vault;

/// <summary>No vault of that name is registered.</summary>
public sealed class PplxVaultNotFoundException : PplxVaultException
{
    /// <summary>Creates the exception.</summary>
    public PplxVaultNotFoundException(string vault, Exception? innerException = null)
        : base($"No SecretManagement vault named '{vault}' is registered.", vault, null, innerException)
    {
    }
}
