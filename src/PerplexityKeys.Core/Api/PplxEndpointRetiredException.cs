namespace PerplexityKeys.Core;

/// <summary>The path called is retired, migrated or gone (403 <c>chat_completions_not_available</c> or
/// <c>agent_api_migration_required</c>, 405, 410): the answer says nothing about the key.</summary>
public sealed class PplxEndpointRetiredException : PplxApiException
{
    /// <summary>Creates the exception.</summary>
    public PplxEndpointRetiredException(string message, int statusCode, string? errorType)
        : base(message, statusCode, errorType, null)
    {
    }
}
