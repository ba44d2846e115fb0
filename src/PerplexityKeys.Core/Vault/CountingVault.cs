using System.Collections.Generic;
using System.Threading;

namespace PerplexityKeys.Core.Vault;

/// <summary>A vault that counts every operation made through it into <see cref="VaultOperationCounts"/>, then passes it on.</summary>
internal sealed class CountingVault(ISecretVault inner, VaultOperationCounts counts) : ISecretVault
{
    public string Name => inner.Name;

    public Task<ApiKey?> GetKeyAsync(string secretName, CancellationToken cancellationToken)
    {
        counts.Read();
        return inner.GetKeyAsync(secretName, cancellationToken);
    }

    public Task<string?> GetTextAsync(string secretName, CancellationToken cancellationToken)
    {
        counts.Read();
        return inner.GetTextAsync(secretName, cancellationToken);
    }

    public Task SetKeyAsync(string secretName, ApiKey key, CancellationToken cancellationToken)
    {
        counts.Wrote();
        return inner.SetKeyAsync(secretName, key, cancellationToken);
    }

    public Task SetTextAsync(string secretName, string text, CancellationToken cancellationToken)
    {
        counts.Wrote();
        return inner.SetTextAsync(secretName, text, cancellationToken);
    }

    public Task<bool> TrySetMetadataAsync(string secretName, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        counts.WroteMetadata();
        return inner.TrySetMetadataAsync(secretName, metadata, cancellationToken);
    }

    public Task RemoveAsync(string secretName, CancellationToken cancellationToken)
    {
        counts.Removed();
        return inner.RemoveAsync(secretName, cancellationToken);
    }
}
