using System.Collections.Concurrent;
using System.Linq;

namespace PerplexityKeys.Core.Vault;

/// <summary>
/// Vault calls this process gave up on (timed out, or abandoned on Ctrl+C) that have not returned yet. Such a call may
/// still write when it does return, so until then nothing else may use the vault: no new call, and the vault's rotation
/// lock is not let go (another process would start writing beside the late write).
/// </summary>
public static class OutstandingVaultCalls
{
    private static readonly ConcurrentDictionary<string, ConcurrentDictionary<Task, string>> Calls = new(System.StringComparer.OrdinalIgnoreCase);

    /// <summary>Records a call to <paramref name="vault"/> that is still running; it is forgotten when <paramref name="call"/> ends.</summary>
    public static void Add(string vault, string operation, Task call)
    {
        ConcurrentDictionary<Task, string> calls = Calls.GetOrAdd(vault, _ => new ConcurrentDictionary<Task, string>());
        calls[call] = operation;
        call.ContinueWith(done => calls.TryRemove(done, out _), TaskScheduler.Default);
    }

    /// <summary>An abandoned call still running (any vault): "vault: operation", or null when there is none.</summary>
    public static string? AnyRunning() =>
        Calls.SelectMany(vault => vault.Value.Where(call => !call.Key.IsCompleted).Select(call => vault.Key + ": " + call.Value)).FirstOrDefault();

    /// <summary>True while an abandoned call to <paramref name="vault"/> is still running.</summary>
    public static bool IsBusy(string vault) => Calls.TryGetValue(vault, out ConcurrentDictionary<Task, string>? calls) && calls.Keys.Any(call => !call.IsCompleted);

    /// <summary>A task that ends when every abandoned call to <paramref name="vault"/> has returned.</summary>
    public static Task WhenIdle(string vault) =>
        Calls.TryGetValue(vault, out ConcurrentDictionary<Task, string>? calls) ? Task.WhenAll(calls.Keys.ToArray()) : Task.CompletedTask;

}
