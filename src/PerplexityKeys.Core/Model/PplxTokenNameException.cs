namespace PerplexityKeys.Core;

/// <summary>A token name the module will not send (empty, too long, control characters).</summary>
public sealed class PplxTokenNameException : PplxException
{
    /// <summary>Creates the exception.</summary>
    public PplxTokenNameException(string message)
        : base(message)
    {
    }
}
