namespace PerplexityKeys.Core;

/// <summary>404: what the request named does not exist (for a revocation: an unknown or already revoked key).</summary>
public sealed class PplxNotFoundException : PplxApiException
{
    /// <summary>Creates the exception.</summary>
    public PplxNotFoundException(string message, int statusCode, string? errorType)
        : base(message, statusCode, errorType, null)
    {
    }
}
