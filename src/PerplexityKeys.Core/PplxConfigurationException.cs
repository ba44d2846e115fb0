namespace PerplexityKeys.Core;

/// <summary>A setting the module cannot use: a base URI that is malformed, not https, and so on.</summary>
public sealed class PplxConfigurationException : PplxException
{
    /// <summary>Creates the exception.</summary>
    public PplxConfigurationException(string message, string setting, Exception? innerException = null)
        : base(message, innerException)
    {
        Setting = setting;
    }

    /// <summary>The setting at fault (e.g. <c>BaseUri</c>).</summary>
    public string Setting { get; }
}
