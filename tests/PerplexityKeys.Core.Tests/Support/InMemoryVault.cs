using System.Collections.Concurrent;
using PerplexityKeys.Core.Model;
using PerplexityKeys.Core.Vault;

namespace PerplexityKeys.Core.Tests.Support;

/// <summary>Thrown to stand for the process dying at a vault operation: nothing in the engine catches it.</summary>
public sealed class SimulatedCrashException : Exception;

/// <summary>A vault in memory, with failures on demand, for the rotation engine's tests.</summary>
public sealed class InMemoryVault(string name = "Mem") : ISecretVault
{
    private readonly ConcurrentDictionary<string, object> _secrets = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, object> _stale = new(StringComparer.OrdinalIgnoreCase);
    private int _operations;

    public string Name { get; } = name;

    public Dictionary<string, IReadOnlyDictionary<string, string>> Metadata { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The operation number (1-based) at which to "crash"; 0 = never.</summary>
    public int CrashAt { get; set; }

    /// <summary>Names whose next Set fails.</summary>
    public HashSet<string> FailNextSet { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Names whose next Set stores the value and then reports a failure (a write that landed all the same).</summary>
    public HashSet<string> LandThenFailNextSet { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Names whose next Set times out for its caller and still lands, as a hung vault call that returns late.</summary>
    public HashSet<string> TimeOutNextSet { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Names whose next read after a Set returns the value before it.</summary>
    public HashSet<string> StaleOnce { get; } = new(StringComparer.OrdinalIgnoreCase);

    public bool Locked { get; set; }

    /// <summary>A vault that keeps no metadata (Azure Key Vault's extension): TrySetMetadata answers false.</summary>
    public bool NoMetadata { get; set; }

    /// <summary>Azure Key Vault's rule: a removed name is soft-deleted and cannot be written again.</summary>
    public bool SoftDelete { get; set; }

    /// <summary>Called before each read with the name read (a test stands in for another machine's writes here).</summary>
    public Action<string>? BeforeRead { get; set; }

    /// <summary>Called before each write with the name written (another machine's writes that land just before it).</summary>
    public Action<string>? BeforeWrite { get; set; }

    private readonly HashSet<string> _deleted = new(StringComparer.OrdinalIgnoreCase);

    public int Operations => _operations;

    public IReadOnlyCollection<string> Names => _secrets.Keys.ToList();

    public void Put(string secretName, object value) => _secrets[secretName] = value;

    /// <summary>What the vault holds under a name, without counting an operation.</summary>
    public object? Raw(string secretName) => _secrets.TryGetValue(secretName, out object? v) ? v : null;

    public ApiKey? Peek(string secretName) => _secrets.TryGetValue(secretName, out object? v) && v is ApiKey k ? k : null;

    public Task<ApiKey?> GetKeyAsync(string secretName, CancellationToken cancellationToken)
    {
        object? value = Read(secretName);
        return Task.FromResult(value switch
        {
            null => null,
            ApiKey key => key,
            string s => ApiKey.Create(s),
            _ => throw new PplxSecretTypeException(Name, secretName, value.GetType().Name),
        });
    }

    public Task<string?> GetTextAsync(string secretName, CancellationToken cancellationToken) =>
        Task.FromResult(Read(secretName) switch { null => null, string s => s, ApiKey => null, var other => other.ToString() });

    public Task SetKeyAsync(string secretName, ApiKey key, CancellationToken cancellationToken) => Write(secretName, key);

    public Task SetTextAsync(string secretName, string text, CancellationToken cancellationToken) => Write(secretName, text);

    public Task<bool> TrySetMetadataAsync(string secretName, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        Tick();
        if (NoMetadata)
        {
            return Task.FromResult(false);
        }

        Metadata[secretName] = metadata;
        return Task.FromResult(true);
    }

    public Task RemoveAsync(string secretName, CancellationToken cancellationToken)
    {
        Tick();
        if (_secrets.TryRemove(secretName, out _) && SoftDelete)
        {
            _deleted.Add(secretName);
        }

        return Task.CompletedTask;
    }

    private object? Read(string secretName)
    {
        Tick();
        BeforeRead?.Invoke(secretName);
        if (_stale.TryRemove(secretName, out object? old))
        {
            return old;
        }

        return _secrets.TryGetValue(secretName, out object? value) ? value : null;
    }

    private Task Write(string secretName, object value)
    {
        Tick();
        BeforeWrite?.Invoke(secretName);
        if (_deleted.Contains(secretName))
        {
            throw new PplxVaultOperationException($"Secret '{secretName}' is currently in a deleted but recoverable state, and its name cannot be reused.", Name, secretName);
        }

        if (LandThenFailNextSet.Remove(secretName))
        {
            _secrets[secretName] = value;
            throw new PplxVaultOperationException($"Injected failure after writing '{secretName}'.", Name, secretName);
        }

        if (FailNextSet.Remove(secretName))
        {
            throw new PplxVaultOperationException($"Injected failure writing '{secretName}'.", Name, secretName);
        }

        if (TimeOutNextSet.Remove(secretName))
        {
            // As a real vault call that hangs past its time-out: the caller gives up, the write still lands.
            _secrets[secretName] = value;
            throw PplxVaultTimeoutException.TimedOut(Name, secretName, "Set-Secret", TimeSpan.FromSeconds(30));
        }

        if (StaleOnce.Remove(secretName) && _secrets.TryGetValue(secretName, out object? before))
        {
            _stale[secretName] = before;
        }

        _secrets[secretName] = value;
        return Task.CompletedTask;
    }

    private void Tick()
    {
        if (Locked)
        {
            throw new PplxVaultLockedException(Name);
        }

        if (Interlocked.Increment(ref _operations) == CrashAt)
        {
            throw new SimulatedCrashException();
        }
    }
}
