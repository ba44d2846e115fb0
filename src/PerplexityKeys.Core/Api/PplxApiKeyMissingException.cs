namespace PerplexityKeys.Core;

/// <summary>No key was given to authorize a call that needs one.</summary>
public sealed class PplxApiKeyMissingException : PplxException
{
    /// <summary>Creates the exception.</summary>
    public PplxApiKeyMissingException(string message)
        : base(message)
    {
    }
}
