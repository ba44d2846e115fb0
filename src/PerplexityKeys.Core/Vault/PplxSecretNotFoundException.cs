namespace PerplexityKeys.Core.Vault;

/// <summary>The secret does not exist.</summary>
public sealed class PplxSecretNotFoundException : PplxVaultException
{
    /// <summary>Creates the exception.</summary>
    public PplxSecretNotFoundException(string vault, string secretName)
        : base($"The vault '{vault}' holds no secret named '{secretName}'.", vault, secretName)
    {
    }
}
