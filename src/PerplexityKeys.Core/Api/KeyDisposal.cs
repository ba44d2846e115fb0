using System.Threading;

namespace PerplexityKeys.Core.Api;

/// <summary>
/// Disposing of a key the module minted and cannot keep (a rotation's losing key, a new key that could not be stored):
/// revoke it, then prove it gone. Only a 401 from GET /v1/models proves it ("unknown or already revoked" is no proof on
/// its own: a gateway's 404 page says the same). A key that could not be revoked or proven gone is the caller's to
/// report by its token name.
/// </summary>
public static class KeyDisposal
{
    /// <summary>Revokes <paramref name="key"/> (authorized by <paramref name="authorizer"/>) and proves it gone.</summary>
    /// <returns>Null when the key is proven gone; otherwise why it may still be live.</returns>
    public static async Task<string?> DiscardAsync(PplxClient client, ApiKey key, ApiKey authorizer, IPplxCallObserver? observer, CancellationToken cancellationToken)
    {
        try
        {
            await client.RevokeTokenAsync(authorizer, key, observer, cancellationToken).ConfigureAwait(false);
        }
        catch (PplxNotFoundException)
        {
            // Checked below.
        }
        catch (PplxException e)
        {
            return $"{key.Fingerprint} could not be revoked ({e.Message})";
        }

        ProbeResult gone = await client.ProbeAsync(key, ProbeKind.Free, observer, cancellationToken).ConfigureAwait(false);
        return gone.ProvesInvalid ? null : $"{key.Fingerprint} could not be proven revoked ({gone.Status})";
    }

    /// <summary>
    /// Revokes and proves gone a key nobody holds once the caller's work was stopped (its own token is cancelled by then),
    /// within <paramref name="budget"/> on the system clock.
    /// </summary>
    /// <returns>Null when the key is proven gone; otherwise why it may still be live.</returns>
    public static Task<string?> DiscardAfterStopAsync(PplxClient client, ApiKey key, ApiKey authorizer, TimeSpan budget) =>
        DiscardAfterStopAsync(client, key, authorizer, budget, SystemClock.Instance);

    /// <summary>As <see cref="DiscardAfterStopAsync(PplxClient, ApiKey, ApiKey, TimeSpan)"/>, on <paramref name="time"/>.</summary>
    public static async Task<string?> DiscardAfterStopAsync(PplxClient client, ApiKey key, ApiKey authorizer, TimeSpan budget, TimeProvider time)
    {
        using CancellationTokenSource limit = time.CreateCancellationTokenSource(budget);
        try
        {
            return await DiscardAsync(client, key, authorizer, null, limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return $"{key.Fingerprint} could not be revoked within {budget.TotalSeconds:0} s of the stop";
        }
    }
}
