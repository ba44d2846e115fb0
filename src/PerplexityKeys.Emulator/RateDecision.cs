namespace PerplexityKeys.Emulator;

/// <summary>The outcome of charging a request to the rate buckets.</summary>
public readonly record struct RateDecision(bool Allowed, int Limit, int Remaining, long ResetEpochSeconds, int RetryAfterSeconds);
