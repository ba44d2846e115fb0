using System.Globalization;
using System.IO;
using System.Net.Http;
using System.Net.Sockets;
using Polly;
using Polly.RateLimiting;
using Polly.Retry;
using Polly.Timeout;

namespace PerplexityKeys.Core.Api;

/// <summary>
/// The client's Polly pipelines: a total timeout, retries (429s waited out up to the budget; a mint retried only where
/// it provably was not processed), the organisation's pacer per attempt, and a timeout per attempt. No retry step is
/// built when retries are off.
/// </summary>
internal static class PplxResilience
{
    /// <summary>Carries the caller's observer into the retry callback.</summary>
    public static readonly ResiliencePropertyKey<IPplxCallObserver?> ObserverKey = new("pplx.observer");

    /// <summary>Carries the operation's name into the retry callback.</summary>
    public static readonly ResiliencePropertyKey<string> OperationKey = new("pplx.operation");

    /// <summary>True when nothing reached the API: the connection was refused.</summary>
    public static bool IsConnectionRefused(Exception? e)
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

    /// <summary>True for a failure of the transport (the request may or may not have been processed).</summary>
    public static bool IsTransportFailure(Exception e) => e is HttpRequestException or IOException or TimeoutRejectedException;

    /// <summary>The pipeline for idempotent calls (<paramref name="mint"/> false) or for a mint.</summary>
    public static ResiliencePipeline<ApiResponse> Build(PplxClientOptions o, bool mint)
    {
        // Waiting out 429s (up to MaxRetryAfter) must fit in the call's total time.
        TimeSpan total = o.TotalTimeout > o.MaxRetryAfter + o.AttemptTimeout ? o.TotalTimeout : o.MaxRetryAfter + o.AttemptTimeout + o.AttemptTimeout;
        var builder = new ResiliencePipelineBuilder<ApiResponse> { TimeProvider = o.TimeProvider }.AddTimeout(total);
        if (o.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<ApiResponse>
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
        }

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
}
