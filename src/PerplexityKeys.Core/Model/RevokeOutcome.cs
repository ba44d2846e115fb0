namespace PerplexityKeys.Core.Model;

/// <summary>What a revocation achieved.</summary>
public enum RevokeOutcome
{
    /// <summary>The API answered 200: the key is revoked from now on.</summary>
    Revoked,

    /// <summary>An earlier attempt's answer was lost and the retry was told the key is unknown:
    /// the lost attempt revoked it.</summary>
    RevokedByEarlierAttempt,
}
