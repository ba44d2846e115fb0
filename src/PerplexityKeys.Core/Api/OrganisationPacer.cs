using System.Threading;
using System.Threading.RateLimiting;

namespace PerplexityKeys.Core.Api;

/// <summary>
/// Paces every request to one organisation (one base URI), across every command of the session: a token bucket
/// (System.Threading.RateLimiting) when a rate is set, and a shared pause that a 429
/// sets for its Retry-After, so one refusal holds back every request to that API instead of each finding its own.
/// </summary>
public sealed class OrganisationPacer : IDisposable
{
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private TokenBucketRateLimiter? _limiter;
    private long _pausedUntilUtcTicks;

    /// <summary>Creates a pacer on the system clock; <paramref name="requestsPerMinute"/> 0 paces by 429s only.</summary>
    public OrganisationPacer(int requestsPerMinute)
        : this(requestsPerMinute, SystemClock.Instance)
    {
    }

    /// <summary>Creates a pacer; <paramref name="requestsPerMinute"/> 0 paces by 429s only.</summary>
    public OrganisationPacer(int requestsPerMinute, TimeProvider time)
    {
        _time = time;
        Configure(requestsPerMinute);
    }

    /// <summary>The client-side limit; 0 when none is set.</summary>
    public int RequestsPerMinute { get; private set; }

    /// <summary>Requests that had to wait for a permit or for a pause (for tests and verbose output).</summary>
    public int Waits => _waits;

    private int _waits;

    /// <summary>
    /// Sets the client-side limit. The bucket holds a burst of a tenth of a minute's requests (at least one) and gains
    /// one request every minute / limit, so no more than the limit goes out in any minute after the first burst. A request
    /// waiting under the old limit (another command of the session) takes its permit under the new one.
    /// </summary>
    public void Configure(int requestsPerMinute)
    {
        if (requestsPerMinute < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(requestsPerMinute));
        }

        lock (_gate)
        {
            if (requestsPerMinute == RequestsPerMinute && (_limiter is not null || requestsPerMinute == 0))
            {
                return;
            }

            _limiter?.Dispose();
            _limiter = null;
            RequestsPerMinute = requestsPerMinute;
            if (requestsPerMinute == 0)
            {
                return;
            }

            TimeSpan period = TimeSpan.FromTicks(TimeSpan.FromMinutes(1).Ticks / requestsPerMinute);
            var limiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = Math.Max(1, requestsPerMinute / 10),
                TokensPerPeriod = 1,
                // The bucket refills on its own clock (its versions count elapsed time differently, so it is not driven
                // from the injected one); the pause below, which decides the long waits, runs on the injected clock.
                ReplenishmentPeriod = period,
                AutoReplenishment = true,
                QueueLimit = int.MaxValue,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            });
            _limiter = limiter;
        }
    }

    /// <summary>Holds back every request to this organisation until <paramref name="wait"/> from now (a 429's Retry-After).</summary>
    public void Pause(TimeSpan wait)
    {
        long until = (_time.GetUtcNow() + wait).UtcTicks;
        long seen;
        do
        {
            seen = Interlocked.Read(ref _pausedUntilUtcTicks);
            if (seen >= until)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _pausedUntilUtcTicks, until, seen) != seen);
    }

    /// <summary>For Polly's rate limiter strategy: waits out any pause, then takes a permit from the bucket (if a rate is set).</summary>
    internal async ValueTask<RateLimitLease> AcquireAsync(CancellationToken cancellationToken)
    {
        TimeSpan pause = new DateTimeOffset(Interlocked.Read(ref _pausedUntilUtcTicks), TimeSpan.Zero) - _time.GetUtcNow();
        if (pause > TimeSpan.Zero)
        {
            Interlocked.Increment(ref _waits);
            await _time.Delay(pause, cancellationToken).ConfigureAwait(false);
        }

        while (true)
        {
            TokenBucketRateLimiter? limiter;
            lock (_gate)
            {
                limiter = _limiter;
            }

            if (limiter is null)
            {
                return Granted.Lease;
            }

            RateLimitLease lease;
            try
            {
                lease = limiter.AttemptAcquire(1);
                if (!lease.IsAcquired)
                {
                    lease.Dispose();
                    Interlocked.Increment(ref _waits);
                    lease = await limiter.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (ObjectDisposedException)
            {
                continue; // The limit changed (Configure) just now: take a permit under the new one.
            }

            if (lease.IsAcquired || !IsRetired(limiter))
            {
                return lease;
            }

            // The limit changed while this request waited: the old bucket let its queue go without permits.
            lease.Dispose();
        }
    }

    private bool IsRetired(TokenBucketRateLimiter limiter)
    {
        lock (_gate)
        {
            return !ReferenceEquals(limiter, _limiter);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            _limiter?.Dispose();
        }
    }

    /// <summary>The lease when no rate is set.</summary>
    private sealed class Granted : RateLimitLease
    {
        public static readonly Granted Lease = new();

        public override bool IsAcquired => true;

        public override System.Collections.Generic.IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}
