namespace PerplexityKeys.Core;

/// <summary>Key text that cannot be a key (empty, white space, control characters).</summary>
public sealed class PplxKeyFormatException : PplxException
{
    /// <summary>Creates the exception.</summary>
    public PplxKeyFormatException(string message)
        : base(message)
    {
    }
}
