namespace PerplexityKeys.Core.Vault;

/// <summary>
/// A vault call that was cancelled before it started: the vault was never asked. Positive evidence that a write did not
/// land (unlike a call stopped while it ran, which may have). An <see cref="OperationCanceledException"/>, so code that
/// treats any cancellation alike still does.
/// </summary>
public sealed class VaultCallNotStartedException : OperationCanceledException
{
    /// <summary>Creates the exception.</summary>
    public VaultCallNotStartedException()
        : base("The vault call was cancelled before it started.")
    {
    }
}
