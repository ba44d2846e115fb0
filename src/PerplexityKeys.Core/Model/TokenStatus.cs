namespace PerplexityKeys.Core.Model;

/// <summary>What a probe learned about a key.</summary>
public enum TokenStatus
{
    /// <summary>The API accepted the key (200 with the answer the path promises).</summary>
    Valid,

    /// <summary>401 from a live path: the key is unknown or revoked (or its account is blocked: the status cannot tell).</summary>
    Invalid,

    /// <summary>403: the key authenticated but is not allowed (quota, billing, policy, suspension).</summary>
    Forbidden,

    /// <summary>429: the organisation's rate limit is spent; try again after RetryAfter.</summary>
    RateLimited,

    /// <summary>The key authenticated but the model asked for is not available to it.</summary>
    ModelUnavailable,

    /// <summary>No answer: connection refused or reset, DNS, or timeout.</summary>
    Unreachable,

    /// <summary>An answer that says nothing certain about the key (5xx, an unexpected status or body).</summary>
    Unknown,

    /// <summary>The probe's path is retired, migrated or gone (403 <c>chat_completions_not_available</c> or
    /// <c>agent_api_migration_required</c>, 404, 405, 410): the answer says nothing about the key.</summary>
    EndpointRetired,
}
