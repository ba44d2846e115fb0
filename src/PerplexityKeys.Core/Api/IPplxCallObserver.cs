namespace PerplexityKeys.Core.Api;

/// <summary>Hears what happens inside a call (retries), e.g. to narrate it with -Verbose.
/// Called on a thread-pool thread: implementations must only queue.</summary>
public interface IPplxCallObserver
{
    /// <summary>An attempt failed and another follows after <see cref="PplxRetryNotice.Delay"/>.</summary>
    void OnRetry(PplxRetryNotice notice);
}
