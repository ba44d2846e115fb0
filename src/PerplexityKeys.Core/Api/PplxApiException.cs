namespace PerplexityKeys.Core;

/// <summary>The API answered with a status other than 2xx.</summary>
public class PplxApiException : PplxException
{
    /// <summary>Creates the exception.</summary>
    public PplxApiException(string message, int statusCode, string? errorType, TimeSpan? retryAfter, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        ErrorType = errorType;
        RetryAfter = retryAfter;
    }

    /// <summary>The HTTP status code.</summary>
    public int StatusCode { get; }

    /// <summary>The <c>error.type</c> of the JSON envelope, when the body was JSON.</summary>
    public string? ErrorType { get; }

    /// <summary>The server's Retry-After, when it sent one.</summary>
    public TimeSpan? RetryAfter { get; }
}
