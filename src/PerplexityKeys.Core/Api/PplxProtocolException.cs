namespace PerplexityKeys.Core;

/// <summary>An answer the client cannot use: not JSON, missing fields, too large, a redirect.</summary>
public sealed class PplxProtocolException : PplxException
{
    /// <summary>Creates the exception.</summary>
    public PplxProtocolException(string message, int? statusCode, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
    }

    /// <summary>The HTTP status of the unusable answer, when one came.</summary>
    public int? StatusCode { get; }
}
