using PerplexityKeys.Core.Model;
using PerplexityKeys.Core.Vault;

namespace PerplexityKeys.Core.Tests.Support;

/// <summary>
/// A vault that reports its backend calls (<see cref="IVaultCallMeter"/>): one per operation, and one more for every
/// key written to <paramref name="costly"/>, as the SecretManagement adapter reads a secret's information before writing it.
/// </summary>
public sealed class MeteredVault(InMemoryVault inner, string costly) : ISecretVault, IVaultCallMeter
{
    public string Name => inner.Name;

    public int BackendCalls { get; private set; }

    public Task<ApiKey?> GetKeyAsync(string secretName, CancellationToken cancellationToken) => Call(inner.GetKeyAsync(secretName, cancellationToken));

    public Task<string?> GetTextAsync(string secretName, CancellationToken cancellationToken) => Call(inner.GetTextAsync(secretName, cancellationToken));

    public Task SetKeyAsync(string secretName, ApiKey key, CancellationToken cancellationToken)
    {
        BackendCalls += secretName == costly ? 1 : 0;
        return Call(inner.SetKeyAsync(secretName, key, cancellationToken));
    }

    public Task SetTextAsync(string secretName, string text, CancellationToken cancellationToken) => Call(inner.SetTextAsync(secretName, text, cancellationToken));

    public Task<bool> TrySetMetadataAsync(string secretName, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken) =>
        Call(inner.TrySetMetadataAsync(secretName, metadata, cancellationToken));

    public Task RemoveAsync(string secretName, CancellationToken cancellationToken) => Call(inner.RemoveAsync(secretName, cancellationToken));

    private T Call<T>(T operation)
    {
        BackendCalls++;
        return operation;
    }
}
