namespace PerplexityKeys.Core;

/// <summary>401: the key was refused.</summary>
public sealed class PplxUnauthorizedException : PplxApiException
{
    /// <summary>Creates the exception.</summary>
    public PplxUnauthorizedException(string message, int statusCode, string? errorType)
        : base(message, statusCode, errorType, null)
    {
    }
}
