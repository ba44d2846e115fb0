
namespace PerplexityKeys.Core.Minting;

/// <summary>What <see cref="VaultMint"/> did with a key it minted.</summary>
/// <param name="Minted">The new key and its token name.</param>
/// <param name="Outcome">Whether the key was stored.</param>
public sealed record VaultMintResult(MintedToken Minted, VaultMintOutcome Outcome)
{
    /// <summary>Why the key was not stored (for <see cref="VaultMintOutcome.StoreFailed"/> and <see cref="VaultMintOutcome.StoreUnknown"/>).</summary>
    public PplxException? StoreFailure { get; init; }

    /// <summary>For a key that was not stored: null when it was revoked and proven gone, else why it may still be live.</summary>
    public string? StillLive { get; init; }

    /// <summary>Null when the key was recorded in the secret's journal (its age is known); else why it was not.</summary>
    public string? JournalSkipped { get; init; }

    /// <summary>True when the vault kept the key's metadata beside it.</summary>
    public bool MetadataKept { get; init; }
}
