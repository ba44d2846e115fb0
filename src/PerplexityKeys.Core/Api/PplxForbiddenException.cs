namespace PerplexityKeys.Core;

/// <summary>403: the key authenticated but may not do this.</summary>
public sealed class PplxForbiddenException : PplxApiException
{
    /// <summary>Creates the exception.</summary>
    public PplxForbiddenException(string message, int statusCode, string? errorType)
        : base(message, statusCode, errorType, null)
    {
    }
}
