using PerplexityKeys.Core.Api;
using PerplexityKeys.Core.Model;
using PerplexityKeys.Core.Tests.Support;
using PerplexityKeys.Emulator;
using Xunit;

namespace PerplexityKeys.Core.Tests.Api;

public sealed class PplxClientProbeTests
{
    private const string FreePath = "/async/chat/completions";
    private const string CompletionPath = "/chat/completions";

    [Theory]
    [InlineData(ProbeKind.Free, FreePath)]
    [InlineData(ProbeKind.Completion, CompletionPath)]
    public async Task Probe_OfALiveKey_IsValid_AndUsesItsOwnPath(ProbeKind kind, string path)
    {
        await using var rig = await EmulatorRig.StartAsync();
        ApiKey key = await rig.NewKeyAsync();

        ProbeResult result = await rig.Client.ProbeAsync(key, kind, null, CancellationToken.None);

        Assert.Equal(TokenStatus.Valid, result.Status);
        Assert.Equal(200, result.StatusCode);
        Assert.Equal(kind, result.Probe);
        Assert.Single(rig.Requests(path));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Probe_OfAnUnknownKey_IsInvalid_WhetherThe401IsJsonOrHtml(bool html)
    {
        await using var rig = await EmulatorRig.StartAsync();
        rig.Configure(c => c.HtmlUnauthorized = html);

        ProbeResult result = await rig.Client.ProbeAsync(ApiKey.Create("pplx-" + new string('q', 48)), ProbeKind.Free, null, CancellationToken.None);

        Assert.Equal(TokenStatus.Invalid, result.Status);
        Assert.Equal(401, result.StatusCode);
        Assert.Contains(html ? "HTML" : "forbidden", result.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(403, TokenStatus.Forbidden)]
    [InlineData(500, TokenStatus.Unknown)]
    [InlineData(418, TokenStatus.Unknown)]
    public async Task Probe_ClassifiesTheStatus(int status, TokenStatus expected)
    {
        await using var rig = await EmulatorRig.StartAsync();
        ApiKey key = await rig.NewKeyAsync();
        rig.Fault(new Fault { Status = status, Path = FreePath });

        ProbeResult result = await rig.Client.ProbeAsync(key, ProbeKind.Free, null, CancellationToken.None);

        Assert.Equal(expected, result.Status);
        Assert.Equal(status, result.StatusCode);
        Assert.Single(rig.Requests(FreePath));
    }

    [Fact]
    public async Task Probe_AnsweredWithA200HtmlPage_IsUnknown_NotValid()
    {
        await using var rig = await EmulatorRig.StartAsync();
        ApiKey key = await rig.NewKeyAsync();
        rig.Fault(new Fault { Status = 200, Body = "<html><body>Welcome to the hotel Wi-Fi</body></html>", ContentType = "text/html", Path = FreePath });

        ProbeResult result = await rig.Client.ProbeAsync(key, ProbeKind.Free, null, CancellationToken.None);

        Assert.Equal(TokenStatus.Unknown, result.Status);
        Assert.Contains("without JSON", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_Completion_WhenSonarIsNotOffered_IsModelUnavailable()
    {
        await using var rig = await EmulatorRig.StartAsync();
        ApiKey key = await rig.NewKeyAsync();
        rig.Configure(c => c.Models = ["sonar-pro"]);

        ProbeResult result = await rig.Client.ProbeAsync(key, ProbeKind.Completion, null, CancellationToken.None);

        Assert.Equal(TokenStatus.ModelUnavailable, result.Status);
        Assert.Equal(400, result.StatusCode);
    }

    [Fact]
    public async Task Probe_WhenTheKeysRateLimitIsSpent_IsRateLimitedAtOnce_WithTheRetryAfter()
    {
        var time = new ManualTimeProvider();
        await using var rig = await EmulatorRig.StartAsync(time);
        ApiKey key = await rig.NewKeyAsync();
        time.SetUtcNow(new DateTimeOffset(2026, 11, 24, 12, 1, 0, TimeSpan.Zero));
        rig.Configure(c => c.KeyRequestsPerMinute = 1);

        Assert.Equal(TokenStatus.Valid, (await rig.Client.ProbeAsync(key, ProbeKind.Free, null, CancellationToken.None)).Status);
        ProbeResult limited = await rig.Client.ProbeAsync(key, ProbeKind.Free, null, CancellationToken.None);

        Assert.Equal(TokenStatus.RateLimited, limited.Status);
        Assert.Equal(TimeSpan.FromSeconds(60), limited.RetryAfter);
    }

    [Theory]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public async Task Probe_AfterATransient5xx_BacksOffOnInjectedTime_AndSucceeds(int status)
    {
        var time = new ManualTimeProvider();
        await using var rig = await EmulatorRig.StartAsync(time);
        ApiKey key = await rig.NewKeyAsync();
        rig.Fault(new Fault { Status = status, Path = FreePath });
        var observer = new RecordingObserver();

        Task<ProbeResult> probe = rig.Client.ProbeAsync(key, ProbeKind.Free, observer, CancellationToken.None);
        TimeSpan backoff = await time.AdvanceToNextTimerAsync(d => d < TimeSpan.FromSeconds(29));
        ProbeResult result = await probe;

        Assert.Equal(TokenStatus.Valid, result.Status);
        Assert.InRange(backoff, TimeSpan.Zero, TimeSpan.FromSeconds(2));
        Assert.Equal(2, rig.Requests(FreePath).Count);
        Assert.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture), Assert.Single(observer.Retries).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_AfterAConnectionReset_IsRetried()
    {
        await using var rig = await EmulatorRig.StartAsync(configure: o => new PplxClientOptions
        {
            BaseUri = o.BaseUri, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(2),
        });
        ApiKey key = await rig.NewKeyAsync();
        rig.Fault(new Fault { Kind = FaultKind.Reset, Path = FreePath });

        ProbeResult result = await rig.Client.ProbeAsync(key, ProbeKind.Free, null, CancellationToken.None);

        Assert.Equal(TokenStatus.Valid, result.Status);
        Assert.Equal(2, rig.Requests(FreePath).Count);
    }

    [Fact]
    public async Task Probe_WhenEveryAttemptTimesOut_IsUnreachable()
    {
        var time = new ManualTimeProvider();
        await using var rig = await EmulatorRig.StartAsync(time, o => new PplxClientOptions
        {
            BaseUri = o.BaseUri, TimeProvider = o.TimeProvider, MaxRetries = 1, AttemptTimeout = TimeSpan.FromSeconds(5), BaseDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(1),
        });
        ApiKey key = await rig.NewKeyAsync();
        rig.Fault(new Fault { Kind = FaultKind.Delay, DelayMs = 600_000, Path = FreePath, Count = 2 });

        Task<ProbeResult> probe = rig.Client.ProbeAsync(key, ProbeKind.Free, null, CancellationToken.None);
        await time.AdvanceToNextTimerAsync(d => d == TimeSpan.FromSeconds(5));
        await time.AdvanceToNextTimerAsync(d => d <= TimeSpan.FromSeconds(1) && d > TimeSpan.Zero);
        await time.AdvanceToNextTimerAsync(d => d == TimeSpan.FromSeconds(5));
        ProbeResult result = await probe;

        Assert.Equal(TokenStatus.Unreachable, result.Status);
        Assert.Contains("timed out", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_OfAnAnswerLargerThanTheLimit_IsUnknown_AndUnread()
    {
        await using var rig = await EmulatorRig.StartAsync(configure: o => new PplxClientOptions { BaseUri = o.BaseUri, MaxResponseBytes = 64 * 1024 });
        ApiKey key = await rig.NewKeyAsync();
        rig.Fault(new Fault { Status = 200, Body = "{\"requests\": [" + new string(' ', 10 * 1024 * 1024) + "]}", Path = FreePath });

        ProbeResult result = await rig.Client.ProbeAsync(key, ProbeKind.Free, null, CancellationToken.None);

        Assert.Equal(TokenStatus.Unknown, result.Status);
        Assert.Contains("larger than", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_LatencyIsMeasuredOnTheInjectedClock()
    {
        var time = new ManualTimeProvider();
        await using var rig = await EmulatorRig.StartAsync(time);
        ApiKey key = await rig.NewKeyAsync();
        rig.Configure(c => c.LatencyMs = 1500);

        Task<ProbeResult> probe = rig.Client.ProbeAsync(key, ProbeKind.Free, null, CancellationToken.None);
        await time.AdvanceToNextTimerAsync(d => d == TimeSpan.FromMilliseconds(1500));
        ProbeResult result = await probe;

        Assert.Equal(TimeSpan.FromMilliseconds(1500), result.Latency);
    }
}
