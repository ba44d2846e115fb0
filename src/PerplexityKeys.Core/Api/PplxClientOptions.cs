using System.Net.Http;

namespace PerplexityKeys.Core.Api;

/// <summary>Settings of one <see cref="PplxClient"/>.</summary>
public sealed class PplxClientOptions
{
    /// <summary>The API's base URI; checked by <see cref="BaseUriPolicy"/>.</summary>
    public Uri BaseUri { get; init; } = BaseUriPolicy.Default;

    /// <summary>The clock for timeouts, backoff and latency.</summary>
    public TimeProvider TimeProvider { get; init; } = SystemClock.Instance;

    /// <summary>How long one HTTP attempt (request and whole answer) may take.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one call may take, retries and waits included.</summary>
    public TimeSpan TotalTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Retries after the first attempt.</summary>
    public int MaxRetries { get; init; } = 4;

    /// <summary>The first backoff delay; later ones grow exponentially, with jitter.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest backoff delay.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long one call may wait out the API's 429s in all (its Retry-After, or the shared pause another request's 429
    /// set): a batch waits rather than fails. A 429 asking for longer is reported at once (RateLimited).
    /// </summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Paces every request to this API with the other clients of the session (one pacer per organisation); null: none.</summary>
    public OrganisationPacer? Pacer { get; init; }

    /// <summary>Answers larger than this are refused unread.</summary>
    public int MaxResponseBytes { get; init; } = 256 * 1024;

    /// <summary>The User-Agent header, e.g. <c>PerplexityKeys/0.1.0 PowerShell/7.6.9</c>.</summary>
    public string UserAgent { get; init; } = "PerplexityKeys";

    /// <summary>
    /// The proxy for https: null follows the system's (HTTPS_PROXY, the OS settings), as Invoke-RestMethod does. A
    /// loopback base URI never goes through a proxy: the key would travel to it in clear text.
    /// </summary>
    public System.Net.IWebProxy? Proxy { get; init; }

    /// <summary>A handler to send through (tests); by default one that never follows redirects.</summary>
    public HttpMessageHandler? Handler { get; init; }
}
