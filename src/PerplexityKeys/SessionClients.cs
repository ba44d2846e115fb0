using System.Collections.Concurrent;
using PerplexityKeys.Core.Api;

namespace PerplexityKeys;

/// <summary>
/// The session's API clients: one per base URI and settings, for the life of the process (one HttpClient each), and
/// one pacer per API shared by every command of the session, set to -MaxRequestsPerMinute (or the environment's).
/// </summary>
internal static class SessionClients
{
    private static readonly ConcurrentDictionary<(Uri BaseUri, int TimeoutSec, TimeSpan MaxWait), PplxClient> Clients = new();
    private static readonly ConcurrentDictionary<Uri, OrganisationPacer> Pacers = new();

    /// <summary>What a client is made of.</summary>
    /// <param name="BaseUri">The API.</param>
    /// <param name="TimeoutSec">One attempt's time.</param>
    /// <param name="MaxWait">The longest 429 wait taken.</param>
    /// <param name="UserAgent">The User-Agent header.</param>
    /// <param name="RequestsPerMinute">A limit to set on the API's pacer; null leaves it as it is.</param>
    public sealed class Settings(Uri BaseUri, int TimeoutSec, TimeSpan MaxWait, string UserAgent, int? RequestsPerMinute)
    {
        public Uri BaseUri { get; } = BaseUri;

        public int TimeoutSec { get; } = TimeoutSec;

        public TimeSpan MaxWait { get; } = MaxWait;

        public string UserAgent { get; } = UserAgent;

        public int? RequestsPerMinute { get; } = RequestsPerMinute;
    }

    /// <summary>The session's client for these settings.</summary>
    public static PplxClient For(Settings settings)
    {
        PacerFor(settings);
        return Clients.GetOrAdd((settings.BaseUri, settings.TimeoutSec, settings.MaxWait), _ => New(settings, null));
    }

    /// <summary>A new client (the caller disposes it), through <paramref name="proxy"/> when one is given.</summary>
    public static PplxClient New(Settings settings, System.Net.IWebProxy? proxy) => new(new PplxClientOptions
    {
        BaseUri = settings.BaseUri,
        UserAgent = settings.UserAgent,
        AttemptTimeout = TimeSpan.FromSeconds(settings.TimeoutSec),
        TotalTimeout = TimeSpan.FromSeconds(Math.Max(120, settings.TimeoutSec * 4)),
        MaxRetryAfter = settings.MaxWait,
        Proxy = proxy,
        Pacer = PacerFor(settings),
    });

    /// <summary>-Proxy (else the system proxy) with -ProxyCredential, as Invoke-RestMethod takes them.</summary>
    public static System.Net.IWebProxy Proxy(Uri? proxy, PSCredential? credential)
    {
        System.Net.IWebProxy web = proxy is null ? System.Net.WebRequest.GetSystemWebProxy() : new System.Net.WebProxy(proxy);
        if (credential is not null)
        {
            web.Credentials = credential.GetNetworkCredential();
        }

        return web;
    }

    private static OrganisationPacer PacerFor(Settings settings)
    {
        OrganisationPacer pacer = Pacers.GetOrAdd(BaseUriPolicy.Validate(settings.BaseUri), _ => new OrganisationPacer(0));
        if (settings.RequestsPerMinute is { } rate)
        {
            pacer.Configure(rate);
        }

        return pacer;
    }
}
