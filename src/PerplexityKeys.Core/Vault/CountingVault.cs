using System.Collections.Generic;
using System.Threading;

namespace PerplexityKeys.Core.Vault;

/// <summary>
/// A vault that counts every operation made through it into <see cref="VaultOperationCounts"/>, then passes it on; when
/// the vault is an <see cref="IVaultCallMeter"/>, also what each operation cost behind it. One run's operations come one
/// at a time, so the calls made while one is awaited are that operation's.
/// </summary>
internal sealed class CountingVault(ISecretVault inner, VaultOperationCounts counts) : ISecretVault
{
    public string Name => inner.Name;

    public Task<ApiKey?> GetKeyAsync(string secretName, CancellationToken cancellationToken) =>
        Metered(counts.Read, () => inner.GetKeyAsync(secretName, cancellationToken));

    public Task<string?> GetTextAsync(string secretName, CancellationToken cancellationToken) =>
        Metered(counts.Read, () => inner.GetTextAsync(secretName, cancellationToken));

    public Task SetKeyAsync(string secretName, ApiKey key, CancellationToken cancellationToken) =>
        Metered(counts.Wrote, () => Done(inner.SetKeyAsync(secretName, key, cancellationToken)));

    public Task SetTextAsync(string secretName, string text, CancellationToken cancellationToken) =>
        Metered(counts.Wrote, () => Done(inner.SetTextAsync(secretName, text, cancellationToken)));

    public Task<bool> TrySetMetadataAsync(string secretName, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken) =>
        Metered(counts.WroteMetadata, () => inner.TrySetMetadataAsync(secretName, metadata, cancellationToken));

    public Task RemoveAsync(string secretName, CancellationToken cancellationToken) =>
        Metered(counts.Removed, () => Done(inner.RemoveAsync(secretName, cancellationToken)));

    private static async Task<bool> Done(Task operation)
    {
        await operation.ConfigureAwait(false);
        return true;
    }

    private async Task<T> Metered<T>(Action count, Func<Task<T>> operation)
    {
        count();
        if (inner is not IVaultCallMeter meter)
        {
            return await operation().ConfigureAwait(false);
        }

        int before = meter.BackendCalls;
        try
        {
            return await operation().ConfigureAwait(false);
        }
        finally
        {
            counts.Cost(meter.BackendCalls - before);
        }
    }
}
