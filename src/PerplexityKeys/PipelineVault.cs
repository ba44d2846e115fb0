using System.Threading;
using System.Threading.Tasks;
using PerplexityKeys.Core.Vault;

namespace PerplexityKeys;

/// <summary>
/// The core's vault interface over <see cref="SecretManagementVault"/>: every call is brought to the cmdlet's pipeline
/// thread (the only thread that may call other commands), through the dispatcher when it comes from elsewhere.
/// </summary>
internal sealed class PipelineVault(SecretManagementVault vault, PipelineDispatcher? dispatcher) : ISecretVault, IVaultCallMeter
{
    public string Name => vault.Name;

    public int BackendCalls => vault.Calls;

    public Task<ApiKey?> GetKeyAsync(string secretName, CancellationToken cancellationToken) => OnPipeline(() => vault.ReadKey(secretName));

    public Task<string?> GetTextAsync(string secretName, CancellationToken cancellationToken) => OnPipeline(() => vault.ReadText(secretName));

    public Task SetKeyAsync(string secretName, ApiKey key, CancellationToken cancellationToken) => OnPipeline(() =>
    {
        vault.WriteKey(secretName, key);
        return true;
    });

    public Task SetTextAsync(string secretName, string text, CancellationToken cancellationToken) => OnPipeline(() =>
    {
        vault.WriteText(secretName, text);
        return true;
    });

    public Task<bool> TrySetMetadataAsync(string secretName, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken) =>
        OnPipeline(() => vault.TrySetMetadata(secretName, metadata));

    public Task RemoveAsync(string secretName, CancellationToken cancellationToken) => OnPipeline(() =>
    {
        vault.Remove(secretName);
        return true;
    });

    private Task<T> OnPipeline<T>(Func<T> work) => dispatcher?.InvokeAsync(work) ?? Inline(work);

    private static Task<T> Inline<T>(Func<T> work)
    {
        try
        {
            return Task.FromResult(work());
        }
        catch (Exception e)
        {
            return Task.FromException<T>(e);
        }
    }
}
