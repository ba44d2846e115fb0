using PerplexityKeys.Core.Api;
using PerplexityKeys.Core.Model;
using PerplexityKeys.Core.Tests.Support;
using PerplexityKeys.Emulator;
using Xunit;

namespace PerplexityKeys.Core.Tests.Api;

public sealed class PplxClientMintTests
{
    private const string MintPath = "/generate_auth_token";

    [Fact]
    public async Task Generate_ReturnsKeyOfTheRealShape_AndTheEmulatorListsItUnderItsName()
    {
        await using var rig = await EmulatorRig.StartAsync();

        MintedToken minted = await rig.Client.GenerateTokenAsync(rig.Admin, "svc-a", null, CancellationToken.None);

        Assert.True(minted.Key.HasExpectedShape);
        Assert.Equal("svc-a", minted.TokenName);
        EmulatorKey? listed = rig.KeyByFingerprint(minted.Key.Fingerprint);
        Assert.NotNull(listed);
        Assert.Equal("svc-a", listed.Name);
        Assert.InRange(minted.CreatedAt, rig.Time.GetUtcNow().AddSeconds(-5), rig.Time.GetUtcNow().AddSeconds(1));
    }

    [Fact]
    public async Task Generate_WithRevokedAuthorizingKey_ThrowsUnauthorized_AndMintsNothing()
    {
        await using var rig = await EmulatorRig.StartAsync();
        ApiKey key = await rig.NewKeyAsync();
        await rig.Client.RevokeTokenAsync(rig.Admin, key, null, CancellationToken.None);
        int before = rig.Host.State.Keys().Count;

        var error = await Assert.ThrowsAsync<PplxUnauthorizedException>(() => rig.Client.GenerateTokenAsync(key, "x", null, CancellationToken.None));

        Assert.Equal(401, error.StatusCode);
        Assert.Equal(key.Fingerprint, error.Fingerprint);
        Assert.Contains("portal", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, rig.Host.State.Keys().Count);
    }

    [Fact]
    public async Task Generate_WhenTheAnswerIsLost_ThrowsOutcomeUnknownNamingTheToken_AndDoesNotRetry()
    {
        await using var rig = await EmulatorRig.StartAsync();
        rig.Fault(new Fault { Kind = FaultKind.LoseResponse, Path = MintPath });

        var error = await Assert.ThrowsAsync<PplxMintOutcomeUnknownException>(() => rig.Client.GenerateTokenAsync(rig.Admin, "lost-one", null, CancellationToken.None));

        Assert.Equal("lost-one", error.TokenName);
        Assert.Contains("'lost-one'", error.Message, StringComparison.Ordinal);
        Assert.Single(rig.Requests(MintPath));
        Assert.Single(rig.Host.State.Keys(), k => k.Name == "lost-one");
    }

    [Theory]
    [InlineData(FaultKind.Truncate)]
    [InlineData(FaultKind.Reset)]
    public async Task Generate_WhenTheAnswerIsUnusable_ThrowsOutcomeUnknown(FaultKind kind)
    {
        await using var rig = await EmulatorRig.StartAsync();
        rig.Fault(new Fault { Kind = kind, Path = MintPath });

        await Assert.ThrowsAsync<PplxMintOutcomeUnknownException>(() => rig.Client.GenerateTokenAsync(rig.Admin, "n", null, CancellationToken.None));

        Assert.Single(rig.Requests(MintPath));
    }

    [Theory]
    [InlineData(200, "<html><body>maintenance</body></html>", "text/html")]
    [InlineData(200, "", "application/json")]
    [InlineData(200, "{\"created_at_epoch_seconds\": 1}", "application/json")]
    [InlineData(200, "{\"auth_token\": 42, \"created_at_epoch_seconds\": 1}", "application/json")]
    public async Task Generate_WhenA200BodyHoldsNoKey_ThrowsOutcomeUnknown(int status, string body, string contentType)
    {
        await using var rig = await EmulatorRig.StartAsync();
        rig.Fault(new Fault { Status = status, Body = body, ContentType = contentType, Path = MintPath });

        await Assert.ThrowsAsync<PplxMintOutcomeUnknownException>(() => rig.Client.GenerateTokenAsync(rig.Admin, "n", null, CancellationToken.None));
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public async Task Generate_On5xx_IsNotRetried_AndSaysAKeyMayExist(int status)
    {
        await using var rig = await EmulatorRig.StartAsync();
        rig.Fault(new Fault { Status = status, Path = MintPath });

        var error = await Assert.ThrowsAsync<PplxMintOutcomeUnknownException>(() => rig.Client.GenerateTokenAsync(rig.Admin, "n", null, CancellationToken.None));

        var server = Assert.IsType<PplxServerException>(error.InnerException);
        Assert.Equal(status, server.StatusCode);
        Assert.Single(rig.Requests(MintPath));
    }

    [Fact]
    public async Task Generate_On429_WaitsTheRetryAfter_ThenMintsExactlyOnce()
    {
        var time = new ManualTimeProvider();
        await using var rig = await EmulatorRig.StartAsync(time);
        rig.Fault(new Fault { Status = 429, RetryAfterSeconds = 7, Path = MintPath });
        var observer = new RecordingObserver();

        Task<MintedToken> mint = rig.Client.GenerateTokenAsync(rig.Admin, "after-429", observer, CancellationToken.None);
        TimeSpan waited = await time.AdvanceToNextTimerAsync(d => d == TimeSpan.FromSeconds(7));
        MintedToken minted = await mint;

        Assert.Equal(TimeSpan.FromSeconds(7), waited);
        Assert.Equal(2, rig.Requests(MintPath).Count);
        Assert.Single(rig.Host.State.Keys(), k => k.Name == "after-429");
        PplxRetryNotice notice = Assert.Single(observer.Retries);
        Assert.Equal(TimeSpan.FromSeconds(7), notice.Delay);
        Assert.Contains("429", notice.Reason, StringComparison.Ordinal);
        Assert.Equal("after-429", minted.TokenName);
    }

    [Fact]
    public async Task Generate_On429WithRetryAfterPastTheCap_FailsAtOnceWithRetryAfter()
    {
        await using var rig = await EmulatorRig.StartAsync();
        rig.Fault(new Fault { Status = 429, RetryAfterSeconds = 3600, Path = MintPath });

        var error = await Assert.ThrowsAsync<PplxRateLimitedException>(() => rig.Client.GenerateTokenAsync(rig.Admin, "n", null, CancellationToken.None));

        Assert.Equal(TimeSpan.FromHours(1), error.RetryAfter);
        Assert.Single(rig.Requests(MintPath));
    }

    [Fact]
    public async Task Generate_WhenTheAttemptTimesOut_IsNotRetried_AndSaysAKeyMayExist()
    {
        var time = new ManualTimeProvider();
        await using var rig = await EmulatorRig.StartAsync(time, o => new PplxClientOptions
        {
            BaseUri = o.BaseUri, TimeProvider = o.TimeProvider, AttemptTimeout = TimeSpan.FromSeconds(5), TotalTimeout = TimeSpan.FromSeconds(60),
        });
        rig.Fault(new Fault { Kind = FaultKind.Delay, DelayMs = 600_000, Path = MintPath });

        Task<MintedToken> mint = rig.Client.GenerateTokenAsync(rig.Admin, "slow", null, CancellationToken.None);
        await time.AdvanceToNextTimerAsync(d => d == TimeSpan.FromSeconds(5));

        var error = await Assert.ThrowsAsync<PplxMintOutcomeUnknownException>(() => mint);
        Assert.IsType<PplxConnectionException>(error.InnerException);
        Assert.True(((PplxConnectionException)error.InnerException!).IsTimeout);
    }

    [Fact]
    public async Task Generate_WhenNothingListens_RetriesConnectionRefused_ThenSaysNothingWasMinted()
    {
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }

        var observer = new RecordingObserver();
        using var client = new PplxClient(new PplxClientOptions
        {
            BaseUri = new Uri($"http://127.0.0.1:{port}/"), MaxRetries = 2, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(2),
        });

        var error = await Assert.ThrowsAsync<PplxConnectionException>(() => client.GenerateTokenAsync(ApiKey.Create("pplx-" + new string('a', 48)), "n", observer, CancellationToken.None));

        Assert.False(error.IsTimeout);
        Assert.Equal(2, observer.Retries.Count);
    }

    [Fact]
    public async Task Generate_CancelledByTheCaller_ThrowsOperationCanceled()
    {
        await using var rig = await EmulatorRig.StartAsync();
        rig.Fault(new Fault { Kind = FaultKind.Delay, DelayMs = 60_000, Path = MintPath });
        using var cts = new CancellationTokenSource();

        Task<MintedToken> mint = rig.Client.GenerateTokenAsync(rig.Admin, "n", null, cts.Token);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => mint);
    }

    [Fact]
    public async Task Generate_StoppedOnceTheAnswerHasBegun_StillReturnsTheKey_SoItCanBeDisposedOf()
    {
        var time = new ManualTimeProvider();
        using var stop = new CancellationTokenSource();
        await using var rig = await StoppedAtTheAnswersHeadersAsync(time, stop, bodyDelayMs: 2_000);

        Task<MintedToken> mint = rig.Client.GenerateTokenAsync(rig.Admin, "held", null, stop.Token);
        await time.AdvanceToNextTimerAsync(d => d == TimeSpan.FromSeconds(2)); // the body follows the headers 2 s later

        MintedToken minted = await mint;
        Assert.True(stop.IsCancellationRequested);
        Assert.Equal("held", rig.KeyByFingerprint(minted.Key.Fingerprint)!.Name);
    }

    [Fact]
    public async Task Generate_StoppedAndTheAnswerStalls_GivesUpAfterAFewSeconds_NotTheAttemptTimeout()
    {
        var time = new ManualTimeProvider();
        using var stop = new CancellationTokenSource();
        await using var rig = await StoppedAtTheAnswersHeadersAsync(time, stop, bodyDelayMs: 600_000);

        Task<MintedToken> mint = rig.Client.GenerateTokenAsync(rig.Admin, "stalled", null, stop.Token);
        await time.AdvanceToNextTimerAsync(d => d == TimeSpan.FromSeconds(5)); // the grace a stopped mint's answer gets

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => mint);
    }

    /// <summary>A rig whose API sends a mint's headers, then its body <paramref name="bodyDelayMs"/> later; <paramref name="stop"/> is cancelled between the two.</summary>
    private static async Task<EmulatorRig> StoppedAtTheAnswersHeadersAsync(ManualTimeProvider time, CancellationTokenSource stop, int bodyDelayMs)
    {
        EmulatorRig rig = await EmulatorRig.StartAsync(time, o => new PplxClientOptions { BaseUri = o.BaseUri, TimeProvider = o.TimeProvider, Handler = new CancelAfterMintHandler(stop) { BeforeBody = true } });
        rig.Fault(new Fault { Kind = FaultKind.DelayBody, DelayMs = bodyDelayMs, Path = MintPath });
        return rig;
    }
}
