namespace PerplexityKeys.Core.Vault;

/// <summary>A secret exists where the module would write a new one, and it was not asked to overwrite.</summary>
public sealed class PplxSecretExistsException : PplxVaultException
{
    /// <summary>Creates the exception.</summary>
    public PplxSecretExistsException(string vault, string secretName)
        : base($"The vault '{vault}' already holds a secret named '{secretName}', and it was not asked to overwrite it.", vault, secretName)
    {
    }
}
