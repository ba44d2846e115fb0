using System;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using PerplexityKeys.Core.Model;
using Polly;
using Polly.RateLimiting;
using Polly.Retry;
using Polly.Timeout;

namespace PerplexityKeys.Core.Api;

/// <summary>
/// The Perplexity API client: one HttpClient per base URI, System.Text.Json, Polly resilience,
/// every non-2xx answer mapped to a typed exception in <see cref="ApiErrorMapper"/>.
/// </summary>
public sealed class PplxClient : IDisposable
{
    private const string MintPath = "generate_auth_token";
    private const string RevokePath = "revoke_auth_token";
    private const string FreeProbePath = "v1/models";
    private const string CompletionPath = "v1/agent";

    /// <summary>The model the paid probe runs when none is named.</summary>
    public const string DefaultProbeModel = "perplexity/sonar";

    /// <summary>The paid probe's <c>max_output_tokens</c>: the smallest output the Responses API accepts.</summary>
    public const int CompletionProbeMaxOutputTokens = 16;

    private static readonly ResiliencePropertyKey<IPplxCallObserver?> ObserverKey = new("pplx.observer");
    private static readonly ResiliencePropertyKey<string> OperationKey = new("pplx.operation");
    private static readonly MediaTypeWithQualityHeaderValue JsonMediaType = new("application/json");

    private readonly HttpClient _http;
    private readonly PplxClientOptions _options;
    private readonly ResiliencePipeline<ApiResponse> _idempotent;
    private readonly ResiliencePipeline<ApiResponse> _mint;

    /// <summary>Creates a client for <see cref="PplxClientOptions.BaseUri"/>.</summary>
    /// <exception cref="PplxConfigurationException">The base URI is not allowed.</exception>
    public PplxClient(PplxClientOptions options)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        BaseUri = BaseUriPolicy.Validate(options.BaseUri);
        HttpMessageHandler handler = options.Handler ?? new HttpClientHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = !BaseUri.IsLoopback,
            Proxy = BaseUri.IsLoopback ? null : options.Proxy,
        };
        _http = new HttpClient(handler, disposeHandler: options.Handler is null)
        {
            BaseAddress = BaseUri,
            Timeout = Timeout.InfiniteTimeSpan, // Polly owns every timeout.
        };
        _http.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", options.UserAgent);
        _idempotent = BuildPipeline(options, mint: false);
        _mint = BuildPipeline(options, mint: true);
    }

    /// <summary>The validated base URI (ends with a slash).</summary>
    public Uri BaseUri { get; }

    /// <summary>POST /generate_auth_token: mints a key, authorized by <paramref name="authorizingKey"/>.</summary>
    /// <remarks>Retried only where the request provably was not processed (429, connection refused).</remarks>
    /// <exception cref="PplxMintOutcomeUnknownException">The request may have created a key whose answer was lost.</exception>
    /// <exception cref="PplxApiException">The API refused the mint.</exception>
    /// <exception cref="PplxConnectionException">The API could not be reached at all (nothing was minted).</exception>
    public async Task<MintedToken> GenerateTokenAsync(ApiKey authorizingKey, string tokenName, IPplxCallObserver? observer, CancellationToken cancellationToken)
    {
        const string operation = "POST /generate_auth_token";
        byte[] body = JsonBody(w => w.WriteString("token_name", tokenName));
        ApiResponse response;
        try
        {
            response = await SendAsync(_mint, HttpMethod.Post, MintPath, authorizingKey, body, operation, observer, cancellationToken).ConfigureAwait(false);
        }
        catch (PplxConnectionException e) when (!e.IsConnectionRefused)
        {
            throw MintUnknown(tokenName, e.Message, e);
        }
        catch (PplxProtocolException e)
        {
            throw MintUnknown(tokenName, e.Message, e);
        }

        if (!response.IsSuccess)
        {
            PplxException error = ApiErrorMapper.ToException(response, operation, authorizingKey.Fingerprint);
            // A 5xx may come from a gateway after the API did the work: the key may exist.
            throw response.StatusCode >= 500 ? MintUnknown(tokenName, error.Message, error) : error;
        }

        try
        {
            return ParseMinted(response.Body, tokenName);
        }
        catch (Exception e) when (e is JsonException or PplxProtocolException or PplxKeyFormatException or InvalidOperationException or FormatException)
        {
            throw MintUnknown(tokenName, "the API answered 200 but its body could not be read as a minted key", e);
        }
    }

    /// <summary>POST /revoke_auth_token: revokes <paramref name="target"/>, authorized by <paramref name="authorizingKey"/>.</summary>
    /// <exception cref="PplxNotFoundException">The API does not know the target (unknown or already revoked).</exception>
    /// <exception cref="PplxApiException">The API refused the revocation.</exception>
    public async Task<RevokeOutcome> RevokeTokenAsync(ApiKey authorizingKey, ApiKey target, IPplxCallObserver? observer, CancellationToken cancellationToken)
    {
        const string operation = "POST /revoke_auth_token";
        byte[] body = JsonBody(w => w.WriteString("auth_token", target.Reveal()));
        var lost = new StrongBox<bool>();
        ApiResponse response = await SendAsync(_idempotent, HttpMethod.Post, RevokePath, authorizingKey, body, operation, observer, cancellationToken, lost).ConfigureAwait(false);
        if (response.IsSuccess)
        {
            return RevokeOutcome.Revoked;
        }

        if (response.StatusCode == 404 && lost.Value)
        {
            return RevokeOutcome.RevokedByEarlierAttempt;
        }

        if (response.StatusCode == 404)
        {
            throw new PplxNotFoundException(
                $"The API does not know the key {target.Fingerprint}: it is already revoked, never existed, or belongs to another API group ({operation} answered 404).",
                404,
                ApiErrorMapper.ReadEnvelope(response).Type).WithFingerprintCore(target.Fingerprint);
        }

        throw ApiErrorMapper.ToException(response, operation + " of " + target.Fingerprint, authorizingKey.Fingerprint);
    }

    /// <summary>Probes a key and classifies the answer. Throws only on cancellation.</summary>
    public Task<ProbeResult> ProbeAsync(ApiKey key, ProbeKind kind, IPplxCallObserver? observer, CancellationToken cancellationToken) =>
        ProbeAsync(key, kind, null, observer, cancellationToken);

    /// <summary>Probes a key and classifies the answer (see <see cref="ProbeClassifier"/>). Throws only on cancellation.</summary>
    /// <param name="key">The key to probe; it is the bearer.</param>
    /// <param name="kind">Free: <c>GET /v1/models</c>; Completion: one paid <c>POST /v1/agent</c>.</param>
    /// <param name="model">Free: a model that must be in the key's list (null: any list will do). Completion: the model to run (null: <see cref="DefaultProbeModel"/>).</param>
    /// <param name="observer">Told of retries.</param>
    /// <param name="cancellationToken">Stops the probe.</param>
    public async Task<ProbeResult> ProbeAsync(ApiKey key, ProbeKind kind, string? model, IPplxCallObserver? observer, CancellationToken cancellationToken)
    {
        if (kind == ProbeKind.Completion)
        {
            model ??= DefaultProbeModel;
        }

        string operation = kind == ProbeKind.Free ? "GET /" + FreeProbePath : "POST /" + CompletionPath;
        long start = _options.TimeProvider.GetTimestamp();
        ApiResponse response;
        try
        {
            response = kind == ProbeKind.Free
                ? await SendAsync(_idempotent, HttpMethod.Get, FreeProbePath, key, null, operation, observer, cancellationToken).ConfigureAwait(false)
                : await SendAsync(
                    _idempotent,
                    HttpMethod.Post,
                    CompletionPath,
                    key,
                    JsonBody(w =>
                    {
                        w.WriteString("model", model);
                        w.WriteString("input", "ping");
                        w.WriteNumber("max_output_tokens", CompletionProbeMaxOutputTokens);
                    }),
                    operation,
                    observer,
                    cancellationToken).ConfigureAwait(false);
        }
        catch (PplxConnectionException e)
        {
            return new ProbeResult(key.Fingerprint, TokenStatus.Unreachable, null, Elapsed(start), kind, e.Message, null) { Model = model };
        }
        catch (PplxProtocolException e)
        {
            return new ProbeResult(key.Fingerprint, TokenStatus.Unknown, e.StatusCode, Elapsed(start), kind, e.Message, null) { Model = model };
        }

        ProbeResult result = ProbeClassifier.Classify(response, kind, operation, key.Fingerprint, model, Elapsed(start));
        if (kind == ProbeKind.Completion && response.StatusCode == 400)
        {
            // A 400 says the key authenticated; whether the model is the reason is read from the key's own model list
            // (free), never guessed from the message: only that list is positive evidence.
            ProbeResult listed = await ProbeAsync(key, ProbeKind.Free, model, observer, cancellationToken).ConfigureAwait(false);
            if (listed.Status == TokenStatus.ModelUnavailable)
            {
                return result with { Status = TokenStatus.ModelUnavailable, Models = listed.Models, Latency = Elapsed(start), Message = result.Message + " " + listed.Message };
            }
        }

        return result;
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private static PplxMintOutcomeUnknownException MintUnknown(string tokenName, string reason, Exception inner) =>
        new(
            $"The mint of a key named '{tokenName}' may have created a key whose answer was lost ({reason.TrimEnd('.')}). " +
            $"Look for a key named '{tokenName}' in the Perplexity portal (API settings) and revoke it if you do not use it.",
            tokenName,
            inner);

    private static MintedToken ParseMinted(string body, string requestedName)
    {
        using JsonDocument doc = JsonDocument.Parse(body);
        JsonElement root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("auth_token", out JsonElement token)
            || token.ValueKind != JsonValueKind.String)
        {
            throw new PplxProtocolException("the answer has no auth_token", 200);
        }

        ApiKey key = ApiKey.Create(token.GetString());
        DateTimeOffset created = root.TryGetProperty("created_at_epoch_seconds", out JsonElement at) && at.ValueKind == JsonValueKind.Number
            ? DateTimeOffset.FromUnixTimeMilliseconds((long)(at.GetDouble() * 1000))
            : throw new PplxProtocolException("the answer has no created_at_epoch_seconds", 200);
        string? name = root.TryGetProperty("token_name", out JsonElement n) && n.ValueKind == JsonValueKind.String ? n.GetString() : requestedName;
        return new MintedToken(key, name, created);
    }

    private static byte[] JsonBody(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static bool IsConnectionRefused(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsProxyAuthenticationFailure(Exception e)
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

    private static bool IsTransportFailure(Exception e) => e is HttpRequestException or IOException or TimeoutRejectedException;

    private static ResiliencePipeline<ApiResponse> BuildPipeline(PplxClientOptions o, bool mint)
    {
        // Waiting out 429s (up to MaxRetryAfter) must fit in the call's total time.
        TimeSpan total = o.TotalTimeout > o.MaxRetryAfter + o.AttemptTimeout ? o.TotalTimeout : o.MaxRetryAfter + o.AttemptTimeout + o.AttemptTimeout;
        var builder = new ResiliencePipelineBuilder<ApiResponse> { TimeProvider = o.TimeProvider }
            .AddTimeout(total)
            .AddRetry(new RetryStrategyOptions<ApiResponse>
            {
                MaxRetryAttempts = MaxAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = o.BaseDelay,
                MaxDelay = o.MaxDelay,
                ShouldHandle = args => new ValueTask<bool>(ShouldRetry(args.Outcome, args.AttemptNumber, mint, o)),
                DelayGenerator = args => new ValueTask<TimeSpan?>(args.Outcome.Result?.StatusCode == 429 ? args.Outcome.Result.RetryAfter : null),
                OnRetry = args =>
                {
                    if (args.Context.Properties.TryGetValue(ObserverKey, out IPplxCallObserver? observer) && observer is not null)
                    {
                        args.Context.Properties.TryGetValue(OperationKey, out string? operation);
                        observer.OnRetry(new PplxRetryNotice(operation ?? "call", args.AttemptNumber, args.RetryDelay, Describe(args.Outcome)));
                    }

                    return default;
                },
            });
        if (o.Pacer is { } pacer)
        {
            // Per attempt, outside the attempt's own timeout: waiting for a permit or a pause is not the API being slow.
            builder.AddRateLimiter(new RateLimiterStrategyOptions { RateLimiter = args => pacer.AcquireAsync(args.Context.CancellationToken) });
        }

        return builder.AddTimeout(o.AttemptTimeout).Build();
    }

    /// <summary>A bound on attempts; 429s within MaxRetryAfter may take many, other failures MaxRetries.</summary>
    private const int MaxAttempts = 100;

    private static bool ShouldRetry(Outcome<ApiResponse> outcome, int attempt, bool mint, PplxClientOptions o)
    {
        if (o.MaxRetries <= 0)
        {
            return false;
        }

        if (outcome.Exception is { } e)
        {
            return attempt < o.MaxRetries && (mint ? IsConnectionRefused(e) : IsTransportFailure(e));
        }

        ApiResponse? r = outcome.Result;
        if (r is null)
        {
            return false;
        }

        if (r.StatusCode == 429)
        {
            // Not processed, so safe to send again (a mint too); the total timeout bounds the sum of the waits.
            return r.RetryAfter is null || r.RetryAfter <= TimeSpan.Zero ? attempt < o.MaxRetries : r.RetryAfter <= o.MaxRetryAfter;
        }

        return attempt < o.MaxRetries && !mint && r.StatusCode is 502 or 503 or 504;
    }

    private static string Describe(Outcome<ApiResponse> outcome) => outcome.Exception switch
    {
        TimeoutRejectedException => "the attempt timed out",
        { } e => "the connection failed: " + ApiErrorMapper.Redact(e.GetBaseException().Message),
        null => string.Format(CultureInfo.InvariantCulture, "the API answered {0}{1}", outcome.Result?.StatusCode, ApiErrorMapper.RetryAfterText(outcome.Result?.RetryAfter)),
    };

    private async Task<ApiResponse> SendAsync(
        ResiliencePipeline<ApiResponse> pipeline,
        HttpMethod method,
        string path,
        ApiKey key,
        byte[]? body,
        string operation,
        IPplxCallObserver? observer,
        CancellationToken cancellationToken,
        StrongBox<bool>? attemptLost = null)
    {
        ResilienceContext context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(ObserverKey, observer);
        context.Properties.Set(OperationKey, operation);
        try
        {
            return await pipeline.ExecuteAsync(
                async (ctx, state) =>
                {
                    try
                    {
                        return await state.Client.SendOnceAsync(state.Method, state.Path, state.Key, state.Body, ctx.CancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception e) when (state.Lost is not null && IsTransportFailure(e) && !IsConnectionRefused(e))
                    {
                        state.Lost.Value = true;
                        throw;
                    }
                },
                context,
                (Client: this, Method: method, Path: path, Key: key, Body: body, Lost: attemptLost)).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException e)
        {
            throw new PplxConnectionException($"{operation} timed out (attempts {_options.AttemptTimeout.TotalSeconds:0.#} s each, {_options.TotalTimeout.TotalSeconds:0.#} s in all).", true, e).WithFingerprintCore(key.Fingerprint);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
        {
            string reason = IsProxyAuthenticationFailure(e)
                ? "the proxy refused it: proxy authentication failed (407). Pass -ProxyCredential, or check the proxy settings (HTTPS_PROXY)"
                : ApiErrorMapper.Redact(e.GetBaseException().Message);
            throw new PplxConnectionException(
                $"{operation} to {BaseUri.GetLeftPart(UriPartial.Authority)} failed: {OutsideText.Escape(reason)}",
                false,
                e).WithFingerprintCore(key.Fingerprint);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private async ValueTask<ApiResponse> SendOnceAsync(HttpMethod method, string path, ApiKey key, byte[]? body, CancellationToken cancellationToken)
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
        string text = await ReadLimitedAsync(response, cancellationToken).ConfigureAwait(false);
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

    private TimeSpan Elapsed(long start) => _options.TimeProvider.GetElapsedTime(start);

    /// <summary>A mutable cell a retry callback can set.</summary>
    private sealed class StrongBox<T>
    {
        public T? Value { get; set; }
    }
}
