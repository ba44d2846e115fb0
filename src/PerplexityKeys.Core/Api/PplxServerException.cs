namespace PerplexityKeys.Core;

/// <summary>5xx: the API failed (and retrying did not help).</summary>
public sealed class PplxServerException : PplxApiException
{
    /// <summary>Creates the exception.</summary>
    public PplxServerException(string message, int statusCode, string? errorType, TimeSpan? retryAfter)
        : base(message, statusCode, errorType, retryAfter)
    {
    }
}
