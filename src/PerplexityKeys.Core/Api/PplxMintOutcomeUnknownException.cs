namespace PerplexityKeys.Core;

/// <summary>
/// A mint whose outcome is unknown: the request may have reached the server and created a key
/// whose answer was lost. The key can be found in the Perplexity portal by <see cref="TokenName"/>.
/// </summary>
public sealed class PplxMintOutcomeUnknownException : PplxException
{
    /// <summary>Creates the exception.</summary>
    public PplxMintOutcomeUnknownException(string message, string tokenName, Exception? innerException)
        : base(message, innerException)
    {
        TokenName = tokenName;
    }

    /// <summary>The token name the key may have been minted under.</summary>
    public string TokenName { get; }
}
