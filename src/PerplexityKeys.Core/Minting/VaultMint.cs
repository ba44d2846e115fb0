using System.Threading;
using PerplexityKeys.Core.Api;
using PerplexityKeys.Core.Rotation;
using PerplexityKeys.Core.Vault;

namespace PerplexityKeys.Core.Minting;

/// <summary>
/// Minting a key straight into a vault secret: mint, store, keep its metadata. A key whose write failed (and that the
/// secret does not hold when read back) is revoked and proven gone (<see cref="KeyDisposal"/>) or named as still live;
/// a failed write that landed all the same counts as stored; a write that did not return in time may still land,
/// so that key is kept live and named, as is one whose write was stopped while it ran; cancelled before the vault was
/// asked, the key is nobody's and the caller disposes of it (<see cref="VaultMintOutcome.NotStored"/>). A failed mint changes nothing and throws; after a mint the outcome is reported
/// in the result, never thrown, so the caller can record what happened to the key it paid for. A stored key is recorded
/// in the secret's journal (its creation time: the record of its age, docs/rotation.md).
/// </summary>
public sealed class VaultMint
{
    private readonly PplxClient client;
    private readonly ISecretVault vault;
    private readonly TimeProvider time;

    /// <summary>Mints into <paramref name="vault"/> on the system clock.</summary>
    public VaultMint(PplxClient client, ISecretVault vault)
        : this(client, vault, SystemClock.Instance)
    {
    }

    /// <summary>Mints into <paramref name="vault"/>; <paramref name="time"/> dates the journal record.</summary>
    public VaultMint(PplxClient client, ISecretVault vault, TimeProvider time)
    {
        this.client = client;
        this.vault = vault;
        this.time = time;
    }

    /// <summary>Mints a key named <paramref name="tokenName"/>, authorized by <paramref name="authorizer"/>, and stores it as <paramref name="secretName"/>.</summary>
    /// <exception cref="PplxException">The mint failed; nothing was minted or changed.</exception>
    public async Task<VaultMintResult> MintAsync(string secretName, string tokenName, ApiKey authorizer, IPplxCallObserver? observer, CancellationToken cancellationToken)
    {
        MintedToken minted = await client.GenerateTokenAsync(authorizer, tokenName, observer, cancellationToken).ConfigureAwait(false);
        string name = minted.TokenName ?? tokenName;
        if (cancellationToken.IsCancellationRequested)
        {
            return new VaultMintResult(minted, VaultMintOutcome.NotStored); // the vault was never asked
        }

        try
        {
            await vault.SetKeyAsync(secretName, minted.Key, cancellationToken).ConfigureAwait(false);
        }
        catch (VaultCallNotStartedException)
        {
            return new VaultMintResult(minted, VaultMintOutcome.NotStored); // cancelled before the vault was asked
        }
        catch (Exception e) when (e is not PplxException)
        {
            // Stopped (or failed in a way the vault does not name) while the write was under way: it may have landed, so
            // the key is kept live and named.
            return new VaultMintResult(minted, VaultMintOutcome.StoreUnknown)
            {
                StoreFailure = new PplxVaultOperationException($"Stopped while storing the new key {minted.Key.Fingerprint} (token name '{OutsideText.Escape(name)}'); the write may have landed. Check '{OutsideText.Escape(secretName)}'; revoke the key if it is not there.", vault.Name, secretName, e),
                StillLive = $"{minted.Key.Fingerprint} may be stored",
            };
        }
        catch (PplxVaultTimeoutException e)
        {
            var unknown = new PplxVaultOperationException(
                $"{e.Message} The new key {minted.Key.Fingerprint} (token name '{OutsideText.Escape(name)}') was not revoked: the write may still store it. Check '{OutsideText.Escape(secretName)}' once the vault answers; revoke the key if it is not there.",
                vault.Name,
                secretName,
                e);
            return new VaultMintResult(minted, VaultMintOutcome.StoreUnknown) { StoreFailure = unknown, StillLive = $"{minted.Key.Fingerprint} may still be stored" };
        }
        catch (PplxException e)
        {
            // A write that reported failure may still have landed: the key is revoked only on positive evidence that the
            // secret does not hold it (a read-back); a secret that cannot be read back keeps the key live and named.
            ApiKey? held;
            try
            {
                held = await vault.GetKeyAsync(secretName, cancellationToken).ConfigureAwait(false);
            }
            catch (PplxException)
            {
                return new VaultMintResult(minted, VaultMintOutcome.StoreUnknown)
                {
                    StoreFailure = new PplxVaultOperationException($"{e.Message} The new key {minted.Key.Fingerprint} (token name '{OutsideText.Escape(name)}') was not revoked: '{OutsideText.Escape(secretName)}' could not be read back, so it may hold the key. Check it once the vault answers; revoke the key if it is not there.", vault.Name, secretName, e),
                    StillLive = $"{minted.Key.Fingerprint} may be stored",
                };
            }

            if (!minted.Key.Equals(held))
            {
                string? live = await KeyDisposal.DiscardAsync(client, minted.Key, authorizer, observer, cancellationToken).ConfigureAwait(false);
                return new VaultMintResult(minted, VaultMintOutcome.StoreFailed) { StoreFailure = e, StillLive = live };
            }
        }

        bool metadata = false;
        string? journalSkipped;
        try
        {
            metadata = await vault.TrySetMetadataAsync(secretName, SecretMetadata.Of(minted.Key, minted.TokenName ?? string.Empty, minted.CreatedAt), cancellationToken).ConfigureAwait(false);
            journalSkipped = await new MintJournal(vault, time).TryWriteAsync(secretName, minted, name, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not PplxException)
        {
            journalSkipped = "stopped before it was written"; // the key is stored all the same
        }

        return new VaultMintResult(minted, VaultMintOutcome.Stored) { MetadataKept = metadata, JournalSkipped = journalSkipped };
    }
}
