namespace PerplexityKeys.Core;

/// <summary>429: the organisation's rate limit is spent (and retrying did not help).</summary>
public sealed class PplxRateLimitedException : PplxApiException
{
    /// <summary>Creates the exception.</summary>
    public PplxRateLimitedException(string message, int statusCode, string? errorType, TimeSpan? retryAfter)
        : base(message, statusCode, errorType, retryAfter)
    {
    }
}
