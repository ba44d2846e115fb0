namespace PerplexityKeys.Core.Minting;

/// <summary>What became of a key minted into a vault.</summary>
public enum VaultMintOutcome
{
    /// <summary>The key is stored in the secret.</summary>
    Stored,

    /// <summary>The write failed: the key was revoked, or <see cref="VaultMintResult.StillLive"/> says why it may not be.</summary>
    StoreFailed,

    /// <summary>The write did not return in time and may still land: the key was not revoked.</summary>
    StoreUnknown,

    /// <summary>The work was cancelled between the mint and the write: the vault was never asked, so nothing holds the key (the caller disposes of it).</summary>
    NotStored,
}
