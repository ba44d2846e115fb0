using System.IO;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using Polly;
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

    private readonly PplxTransport _transport;
    private readonly PplxClientOptions _options;
    private readonly ResiliencePipeline<ApiResponse> _idempotent;
    private readonly ResiliencePipeline<ApiResponse> _mint;

    /// <summary>Creates a client for <see cref="PplxClientOptions.BaseUri"/>.</summary>
    /// <exception cref="PplxConfigurationException">The base URI is not allowed.</exception>
    public PplxClient(PplxClientOptions options)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        BaseUri = BaseUriPolicy.Validate(options.BaseUri);
        _transport = new PplxTransport(options, BaseUri);
        _idempotent = PplxResilience.Build(options, mint: false);
        _mint = PplxResilience.Build(options, mint: true);
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
        byte[] body = WireBodies.JsonBody(w => w.WriteString("token_name", tokenName));
        ApiResponse response;
        try
        {
            response = await SendAsync(_mint, HttpMethod.Post, MintPath, authorizingKey, body, operation, observer, cancellationToken, keepAnswer: true).ConfigureAwait(false);
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
            return WireBodies.ParseMinted(response.Body, tokenName);
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
        byte[] body = WireBodies.JsonBody(w => w.WriteString("auth_token", target.Reveal()));
        var lost = new System.Runtime.CompilerServices.StrongBox<bool>();
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
                    WireBodies.JsonBody(w =>
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
    public void Dispose() => _transport.Dispose();

    private static PplxMintOutcomeUnknownException MintUnknown(string tokenName, string reason, Exception inner) =>
        new(
            $"The mint of a key named '{tokenName}' may have created a key whose answer was lost ({reason.TrimEnd('.')}). " +
            $"Look for a key named '{tokenName}' in the Perplexity portal (API settings) and revoke it if you do not use it.",
            tokenName,
            inner);

    private async Task<ApiResponse> SendAsync(
        ResiliencePipeline<ApiResponse> pipeline,
        HttpMethod method,
        string path,
        ApiKey key,
        byte[]? body,
        string operation,
        IPplxCallObserver? observer,
        CancellationToken cancellationToken,
        System.Runtime.CompilerServices.StrongBox<bool>? attemptLost = null,
        bool keepAnswer = false)
    {
        ResilienceContext context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(PplxResilience.ObserverKey, observer);
        context.Properties.Set(PplxResilience.OperationKey, operation);
        try
        {
            return await pipeline.ExecuteAsync(
                async (ctx, state) =>
                {
                    try
                    {
                        return await state.Transport.SendOnceAsync(state.Method, state.Path, state.Key, state.Body, state.KeepAnswer, ctx.CancellationToken, state.Caller).ConfigureAwait(false);
                    }
                    catch (Exception e) when (state.Lost is not null && PplxResilience.IsTransportFailure(e) && !PplxResilience.IsConnectionRefused(e))
                    {
                        state.Lost.Value = true;
                        throw;
                    }
                },
                context,
                (Transport: _transport, Method: method, Path: path, Key: key, Body: body, Lost: attemptLost, KeepAnswer: keepAnswer, Caller: cancellationToken)).ConfigureAwait(false);
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
            bool proxyRefused = PplxTransport.IsProxyAuthenticationFailure(e);
            string reason = proxyRefused
                ? "the proxy refused it: proxy authentication failed (407); check the proxy's credentials and settings (HTTPS_PROXY)"
                : ApiErrorMapper.Redact(e.GetBaseException().Message);
            throw new PplxConnectionException(
                $"{operation} to {BaseUri.GetLeftPart(UriPartial.Authority)} failed: {OutsideText.Escape(reason)}",
                false,
                e)
            { IsProxyAuthenticationFailure = proxyRefused }.WithFingerprintCore(key.Fingerprint);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private TimeSpan Elapsed(long start) => _options.TimeProvider.GetElapsedTime(start);
}
