using System.Net;

namespace PerplexityKeys.Core.Api;

/// <summary>Decides which base URIs may receive a key: https anywhere, plain http only on loopback.</summary>
public static class BaseUriPolicy
{
    /// <summary>Perplexity's public API.</summary>
    public static readonly Uri Default = new("https://api.perplexity.ai/");

    /// <summary>Checks and normalises a base URI (one trailing slash, no query or fragment).</summary>
    /// <exception cref="PplxConfigurationException">The URI is malformed or would send a key in clear text off this machine.</exception>
    public static Uri Validate(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw Invalid("The base URI is empty.");
        }

        if (!Uri.TryCreate(text!.Trim(), UriKind.Absolute, out Uri? uri) || uri is null)
        {
            throw Invalid($"The base URI '{Shorten(text)}' is not an absolute URI such as https://api.perplexity.ai.");
        }

        return Validate(uri);
    }

    /// <inheritdoc cref="Validate(string)"/>
    public static Uri Validate(Uri uri)
    {
        if (uri is null || !uri.IsAbsoluteUri)
        {
            throw Invalid("The base URI must be absolute, such as https://api.perplexity.ai.");
        }

        bool https = uri.Scheme == Uri.UriSchemeHttps;
        bool http = uri.Scheme == Uri.UriSchemeHttp;
        if (!https && !http)
        {
            throw Invalid($"The base URI scheme '{uri.Scheme}' is not supported; use https.");
        }

        if (http && !IsLoopback(uri))
        {
            throw Invalid($"The base URI {uri.GetLeftPart(UriPartial.Authority)} uses http to a host that is not loopback; a key would travel in clear text. Use https.");
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            throw Invalid("The base URI must not carry a user name or password.");
        }

        if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            throw Invalid("The base URI must not carry a query or fragment.");
        }

        string path = uri.AbsolutePath.EndsWith("/", StringComparison.Ordinal) ? uri.AbsolutePath : uri.AbsolutePath + "/";
        return new UriBuilder(uri.Scheme, uri.Host, uri.Port, path).Uri;
    }

    /// <summary>True for localhost and loopback addresses.</summary>
    public static bool IsLoopback(Uri uri)
    {
        if (string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        string host = uri.HostNameType == UriHostNameType.IPv6 ? uri.Host.Trim('[', ']') : uri.Host;
        return IPAddress.TryParse(host, out IPAddress? address) && IPAddress.IsLoopback(address);
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text.Substring(0, 77) + "...";

    private static PplxConfigurationException Invalid(string message) => new(message, "BaseUri");
}
