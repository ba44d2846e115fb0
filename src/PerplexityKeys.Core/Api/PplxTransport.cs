using System.Globalization;
using System.IO;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Threading;

namespace PerplexityKeys.Core.Api;

/// <summary>
/// The HTTP side of the client: one HttpClient per base URI (no redirects, no cookies, no proxy for loopback), one
/// attempt at a time, the answer read up to a bound, Retry-After (or X-RateLimit-Reset) read, and a 429 passed on to
/// the organisation's pacer. Retries and timeouts are the resilience pipeline's (PplxResilience).
/// </summary>
internal sealed class PplxTransport : IDisposable
{
    private static readonly MediaTypeWithQualityHeaderValue JsonMediaType = new("application/json");

    private readonly HttpClient _http;
    private readonly PplxClientOptions _options;

    public PplxTransport(PplxClientOptions options, Uri baseUri)
    {
        _options = options;
        HttpMessageHandler handler = options.Handler ?? new HttpClientHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = !baseUri.IsLoopback,
            Proxy = baseUri.IsLoopback ? null : options.Proxy,
        };
        _http = new HttpClient(handler, disposeHandler: options.Handler is null)
        {
            BaseAddress = baseUri,
            Timeout = Timeout.InfiniteTimeSpan, // Polly owns every timeout.
        };
        _http.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", options.UserAgent);
    }

    /// <summary>True when a failure is a proxy's refusal to authenticate the client (407).</summary>
    public static bool IsProxyAuthenticationFailure(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            if (x.Message.IndexOf("407", StringComparison.Ordinal) >= 0 || x.Message.IndexOf("Proxy Authentication Required", StringComparison.OrdinalIgnoreCase) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>How long a mint's answer that has begun to arrive may still take once the caller was stopped.</summary>
    private static readonly TimeSpan StoppedAnswerGrace = TimeSpan.FromSeconds(5);

    /// <summary>
    /// One attempt: the request with the key as bearer, the answer read up to the bound. <paramref name="cancellationToken"/>
    /// is the attempt's (the caller's stop and the attempt timeout). With <paramref name="keepAnswer"/> (a mint: its answer
    /// carries a key that exists from then on), a success answer that has begun to arrive is given a few seconds more when
    /// <paramref name="callerToken"/> stops the attempt (none when its timeout does), so that the caller holds the key and
    /// can dispose of it instead of losing it.
    /// </summary>
    public async ValueTask<ApiResponse> SendOnceAsync(HttpMethod method, string path, ApiKey key, byte[]? body, bool keepAnswer, CancellationToken cancellationToken, CancellationToken callerToken)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key.Reveal());
        request.Headers.Accept.Add(JsonMediaType);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        using HttpResponseMessage response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        string text = keepAnswer && response.IsSuccessStatusCode
            ? await ReadKeptAnswerAsync(response, cancellationToken, callerToken).ConfigureAwait(false)
            : await ReadLimitedAsync(response, cancellationToken).ConfigureAwait(false);
        TimeSpan? retryAfter = RetryAfterOf(response);
        if ((int)response.StatusCode == 429 && (retryAfter ?? TimeSpan.Zero) <= _options.MaxRetryAfter)
        {
            // One refusal holds back every request to this organisation, not only this one; a wait past the budget is
            // not taken (the call reports RateLimited at once, and so will the next one that meets the refusal).
            _options.Pacer?.Pause(retryAfter ?? TimeSpan.FromSeconds(1));
        }

        return new ApiResponse(
            (int)response.StatusCode,
            text,
            response.Content.Headers.ContentType?.MediaType,
            retryAfter,
            response.Headers.Location);
    }

    /// <summary>A mint's success answer: the attempt's timeout ends the read at once, the caller's stop after a grace.</summary>
    private async Task<string> ReadKeptAnswerAsync(HttpResponseMessage response, CancellationToken attemptToken, CancellationToken callerToken)
    {
        using var read = new CancellationTokenSource();
        using ITimer grace = _options.TimeProvider.CreateTimer(static state => TryCancel((CancellationTokenSource)state!), read, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        using (attemptToken.Register(() =>
        {
            if (callerToken.IsCancellationRequested)
            {
                grace.Change(StoppedAnswerGrace, Timeout.InfiniteTimeSpan);
            }
            else
            {
                TryCancel(read);
            }
        }))
        {
            return await ReadLimitedAsync(response, read.Token).ConfigureAwait(false);
        }
    }

    private static void TryCancel(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The read ended meanwhile.
        }
    }

    private async Task<string> ReadLimitedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        int max = _options.MaxResponseBytes;
        if (response.Content.Headers.ContentLength > max)
        {
            throw new PplxProtocolException($"The answer ({response.Content.Headers.ContentLength} bytes) is larger than the {max} bytes this client reads.", (int)response.StatusCode);
        }

        using Stream stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
        using var buffer = new MemoryStream();
        byte[] chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, 0, chunk.Length, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > max)
            {
                throw new PplxProtocolException($"The answer is larger than the {max} bytes this client reads.", (int)response.StatusCode);
            }

            buffer.Write(chunk, 0, read);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private TimeSpan? RetryAfterOf(HttpResponseMessage response)
    {
        RetryConditionHeaderValue? header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        if (header?.Date is { } date)
        {
            TimeSpan wait = date - _options.TimeProvider.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        // No Retry-After: the organisation's window resets at X-RateLimit-Reset (epoch seconds), when a 429 names it.
        if ((int)response.StatusCode == 429
            && response.Headers.TryGetValues("X-RateLimit-Reset", out System.Collections.Generic.IEnumerable<string>? values)
            && long.TryParse(System.Linq.Enumerable.FirstOrDefault(values), NumberStyles.Integer, CultureInfo.InvariantCulture, out long reset)
            && reset > 0 && reset < 253402300799)   // epoch seconds only (a value in milliseconds is ignored)
        {
            TimeSpan wait = DateTimeOffset.FromUnixTimeSeconds(reset) - _options.TimeProvider.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}
