namespace PerplexityKeys.Core;

/// <summary>Another 4xx: the API refused the request as malformed.</summary>
public sealed class PplxBadRequestException : PplxApiException
{
    /// <summary>Creates the exception.</summary>
    public PplxBadRequestException(string message, int statusCode, string? errorType)
        : base(message, statusCode, errorType, null)
    {
    }
}
