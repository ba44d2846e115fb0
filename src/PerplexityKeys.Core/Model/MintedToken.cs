
namespace PerplexityKeys.Core.Model;

/// <summary>A key the API has just minted, as POST /generate_auth_token answered.</summary>
/// <param name="Key">The new key (shown by the API only this once).</param>
/// <param name="TokenName">The name the key was minted under, when the API echoed one.</param>
/// <param name="CreatedAt">The creation time the API reported.</param>
public sealed record MintedToken(ApiKey Key, string? TokenName, DateTimeOffset CreatedAt);
