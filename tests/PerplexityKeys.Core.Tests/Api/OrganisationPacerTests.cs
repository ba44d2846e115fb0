using PerplexityKeys.Core.Api;
using PerplexityKeys.Core.Model;
using PerplexityKeys.Core.Tests.Support;
using PerplexityKeys.Emulator;
using Xunit;

namespace PerplexityKeys.Core.Tests.Api;

public sealed class OrganisationPacerTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Pause_HoldsBackTheNextRequest_UntilTheClockPassesIt()
    {
        var time = new ManualTimeProvider();
        using var pacer = new OrganisationPacer(0, time);
        pacer.Pause(TimeSpan.FromSeconds(5));

        ValueTask<System.Threading.RateLimiting.RateLimitLease> waiting = pacer.AcquireAsync(CancellationToken.None);
        Assert.False(waiting.IsCompleted);
        await time.AdvanceToNextTimerAsync(d => d == TimeSpan.FromSeconds(5));
        using System.Threading.RateLimiting.RateLimitLease lease = await waiting.AsTask().WaitAsync(Bound);

        Assert.True(lease.IsAcquired);
        Assert.Equal(1, pacer.Waits);
    }

    [Fact]
    public async Task A429_PausesEveryRequestToThatApi_ForItsRetryAfter()
    {
        var time = new ManualTimeProvider();
        using var pacer = new OrganisationPacer(0, time);
        await using var rig = await EmulatorRig.StartAsync(time, o => new PplxClientOptions { BaseUri = o.BaseUri, TimeProvider = o.TimeProvider, Pacer = pacer });
        ApiKey key = await rig.NewKeyAsync();
        rig.Fault(new Fault { Status = 429, RetryAfterSeconds = 20, Path = "/v1/models" });
        var refused = new FirstRetry();

        Task<ProbeResult> first = rig.Client.ProbeAsync(key, ProbeKind.Free, refused, CancellationToken.None);
        await refused.Seen.Task.WaitAsync(Bound);                // the 429 came back, and the pause is set
        Task<ProbeResult> second = rig.Client.ProbeAsync(key, ProbeKind.Free, null, CancellationToken.None);

        // Both wait 20 s on the injected clock: the first its Retry-After (Polly), the second the pause; the clock moves
        // only once both are armed (Polly arms its delay just after it reports the retry).
        await time.WaitForTimersAsync(d => d == TimeSpan.FromSeconds(20), count: 2);
        Assert.Equal(1, pacer.Waits);                            // the second call did not go out: it waits on the pause
        Assert.False(second.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(TokenStatus.Valid, (await first.WaitAsync(Bound)).Status);
        Assert.Equal(TokenStatus.Valid, (await second.WaitAsync(Bound)).Status);
        Assert.Single(rig.Requests("/v1/models"), r => r.Status == 429);
    }

    private sealed class FirstRetry : IPplxCallObserver
    {
        public TaskCompletionSource Seen { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void OnRetry(PplxRetryNotice notice) => Seen.TrySetResult();
    }

    [Fact]
    public async Task A429PastTheBudget_IsReportedAtOnce_AndHoldsNothingElseBack()
    {
        var time = new ManualTimeProvider();
        using var pacer = new OrganisationPacer(0, time);
        await using var rig = await EmulatorRig.StartAsync(time, o => new PplxClientOptions { BaseUri = o.BaseUri, TimeProvider = o.TimeProvider, Pacer = pacer });
        ApiKey key = await rig.NewKeyAsync();
        rig.Fault(new Fault { Status = 429, RetryAfterSeconds = 3600, Path = "/v1/models" });

        ProbeResult refused = await rig.Client.ProbeAsync(key, ProbeKind.Free, null, CancellationToken.None);
        ProbeResult next = await rig.Client.ProbeAsync(key, ProbeKind.Free, null, CancellationToken.None).WaitAsync(Bound);

        Assert.Equal(TokenStatus.RateLimited, refused.Status);   // an hour is past the ten-minute budget
        Assert.Equal(TokenStatus.Valid, next.Status);
        Assert.Equal(0, pacer.Waits);
    }

    [Fact]
    public async Task A429WithinTheBudget_IsWaitedOut_AndTheCallSucceeds()
    {
        var time = new ManualTimeProvider();
        using var pacer = new OrganisationPacer(0, time);
        await using var rig = await EmulatorRig.StartAsync(time, o => new PplxClientOptions { BaseUri = o.BaseUri, TimeProvider = o.TimeProvider, Pacer = pacer });
        ApiKey key = await rig.NewKeyAsync();
        rig.Fault(new Fault { Status = 429, RetryAfterSeconds = 120, Path = "/v1/models" });

        Task<ProbeResult> probe = rig.Client.ProbeAsync(key, ProbeKind.Free, null, CancellationToken.None);
        await time.AdvanceToNextTimerAsync(d => d == TimeSpan.FromSeconds(120));
        ProbeResult result = await probe.WaitAsync(Bound);

        Assert.Equal(TokenStatus.Valid, result.Status);
        Assert.Equal([429, 200], rig.Requests("/v1/models").Select(r => r.Status));
    }

    [Fact]
    public async Task TheRateLimit_LetsABurstThrough_AndMakesTheRestWaitForAPermit()
    {
        await using var rig = await EmulatorRig.StartAsync();
        ApiKey key = await rig.NewKeyAsync();
        using var pacer = new OrganisationPacer(60, TimeProvider.System);   // a burst of 6, then one a second
        using var client = new PplxClient(new PplxClientOptions { BaseUri = rig.Host.BaseUri, Pacer = pacer });

        List<Task<ProbeResult>> probes = Enumerable.Range(0, 8).Select(_ => client.ProbeAsync(key, ProbeKind.Free, null, CancellationToken.None)).ToList();
        Assert.Equal(8, await CompletedAsync(probes, 8));

        Assert.All(probes, p => Assert.Equal(TokenStatus.Valid, p.Result.Status));
        Assert.Equal(2, pacer.Waits);   // all eight asked within the first second: only the burst went out at once
    }

    [Fact]
    public async Task ARequestWaitingForAPermit_WhenTheLimitChanges_GetsOneFromTheNewLimit()
    {
        using var pacer = new OrganisationPacer(1, TimeProvider.System);   // a burst of one, then one a minute
        using System.Threading.RateLimiting.RateLimitLease first = await pacer.AcquireAsync(CancellationToken.None);
        ValueTask<System.Threading.RateLimiting.RateLimitLease> waiting = pacer.AcquireAsync(CancellationToken.None);
        Assert.False(waiting.IsCompleted);

        pacer.Configure(6000);   // another command of the session sets a new limit while this request waits
        using System.Threading.RateLimiting.RateLimitLease lease = await waiting.AsTask().WaitAsync(Bound);

        Assert.True(first.IsAcquired);
        Assert.True(lease.IsAcquired);
    }

    /// <summary>Waits (bounded) until <paramref name="count"/> tasks are done; returns how many are.</summary>
    private static async Task<int> CompletedAsync(List<Task<ProbeResult>> tasks, int count)
    {
        using var bound = new CancellationTokenSource(Bound);
        while (tasks.Count(t => t.IsCompleted) < count)
        {
            await Task.WhenAny(tasks.Where(t => !t.IsCompleted).Append(Task.Delay(Timeout.Infinite, bound.Token))).ConfigureAwait(false);
            bound.Token.ThrowIfCancellationRequested();
        }

        return tasks.Count(t => t.IsCompleted);
    }
}
