namespace PerplexityKeys.Core.Rotation;

/// <summary>What is known of the new key when it is handed off.</summary>
/// <param name="TokenName">The token name it was minted under.</param>
/// <param name="RunId">The rotation's run id.</param>
public sealed record MintedTokenInfo(string TokenName, string RunId);
