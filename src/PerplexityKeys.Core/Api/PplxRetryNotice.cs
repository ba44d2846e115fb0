namespace PerplexityKeys.Core.Api;

/// <summary>One retry about to happen.</summary>
/// <param name="Operation">What the call does, e.g. <c>POST /generate_auth_token</c>.</param>
/// <param name="Attempt">The number of the attempt that failed (0 = the first).</param>
/// <param name="Delay">The wait before the next attempt.</param>
/// <param name="Reason">Why the attempt failed, without any key.</param>
public sealed record PplxRetryNotice(string Operation, int Attempt, TimeSpan Delay, string Reason);
