
namespace PerplexityKeys.Core.Api;

/// <summary>Hears what happens inside a call (retries), e.g. to narrate it with -Verbose.
/// Called on a thread-pool thread: implementations must only queue.</summary>
public interface IPplxCallObserver
{
    /// <summary>An attempt failed and another follows after <see cref="PplxRetryNotice.Delay"/>.</summary>
    void OnRetry(PplxRetryNotice notice);
}

/// <summary>One retry about to happen.</summary>
/// <param name="Operation">What the call does, e.g. <c>POST /generate_auth_token</c>.</param>
/// <param name="Attempt">The number of the attempt that failed (0 = the first).</param>
/// <param name="Delay">The wait before the next attempt.</param>
/// <param name="Reason">Why the attempt failed, without any key.</param>
public sealed record PplxRetryNotice(string Operation, int Attempt, TimeSpan Delay, string Reason);
