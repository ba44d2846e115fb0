using PerplexityKeys.Core.Api;
using PerplexityKeys.Core.Model;
using PerplexityKeys.Core.Tests.Support;
using PerplexityKeys.Emulator;
using Xunit;

namespace PerplexityKeys.Core.Tests.Api;

public sealed class PplxClientProbeTests
{
    private const string FreePath = "/v1/models";
    private const string CompletionPath = "/v1/agent";

    // Bodies as ../shared/perplexity-api.md records them from the live API.
    private const string RetiredBody = "{\"error\":{\"message\":\"Sonar is now the Agent API. Use /v1/responses instead. See the migration guide.\",\"type\":\"chat_completions_not_available\",\"code\":403}}";
    private const string MigrationBody = "{\"error\":{\"message\":\"Use the Agent API.\",\"type\":\"agent_api_migration_required\",\"code\":403}}";
    private const string UnauthorizedBody = "{\"error\":{\"message\":\"Invalid API key provided.\",\"type\":\"invalid_api_key\",\"code\":401}}";
    private const string ModelListBody =
        "{\"object\":\"list\",\"data\":[{\"id\":\"perplexity/sonar\",\"object\":\"model\",\"created\":0,\"owned_by\":\"perplexity\",\"pricing\":{\"input\":1,\"output\":1,\"cache_read\":0.1,\"unit\":\"usd_per_1m_tokens\"}}," +
        "{\"id\":\"anthropic/claude-sonnet-4-5\",\"object\":\"model\",\"created\":0,\"owned_by\":\"anthropic\",\"pricing\":{\"input\":3,\"output\":15,\"cache_read\":0.3,\"cache_write\":3.75,\"unit\":\"usd_per_1m_tokens\"}}]}";
    private const string ResponseBody =
        "{\"id\":\"resp_0b7c3f5e-1d2a-4c8e-9f00-2f6b1a7d9e41\",\"object\":\"response\",\"created_at\":1791000000,\"status\":\"completed\",\"model\":\"perplexity/sonar\"," +
        "\"output\":[{\"type\":\"search_results\",\"results\":[]},{\"type\":\"message\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"OK\"}]}]," +
        "\"usage\":{\"input_tokens\":3,\"output_tokens\":2,\"total_tokens\":5,\"cost\":{\"currency\":\"USD\",\"total_cost\":0.00125}}}";

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
        Assert.DoesNotContain(rig.Host.State.RequestLog(), r => r.Path.Contains("chat/completions", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(SonarMode.Retired)]
    [InlineData(SonarMode.Live)]
    public async Task Probe_WorksTheSameWhetherSonarIsRetiredOrLive_AndNeverCallsASonarPath(SonarMode sonar)
    {
        await using var rig = await EmulatorRig.StartAsync();
        rig.Configure(c => c.Sonar = sonar);
        ApiKey key = await rig.NewKeyAsync();

        ProbeResult free = await rig.Client.ProbeAsync(key, ProbeKind.Free, "perplexity/sonar", null, CancellationToken.None);
        ProbeResult paid = await rig.Client.ProbeAsync(key, ProbeKind.Completion, null, CancellationToken.None);

        Assert.Equal(TokenStatus.Valid, free.Status);
        Assert.Equal(TokenStatus.Valid, paid.Status);
        Assert.Equal("perplexity/sonar", paid.Model);
        Assert.DoesNotContain(rig.Host.State.RequestLog(), r => r.Path.Contains("chat/completions", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FreeProbe_ListsTheKeysModels_AsTheEmulatorRestrictedThem()
    {
        await using var rig = await EmulatorRig.StartAsync();
        ApiKey key = await rig.NewKeyAsync();
        rig.Host.State.Restrict(rig.KeyByFingerprint(key.Fingerprint)!, ["perplexity/sonar", "perplexity/sonar-pro"]);

        ProbeResult result = await rig.Client.ProbeAsync(key, ProbeKind.Free, null, CancellationToken.None);

        Assert.Equal(TokenStatus.Valid, result.Status);
        Assert.Equal(["perplexity/sonar", "perplexity/sonar-pro"], result.Models);
        Assert.Contains("2 models", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FreeProbe_WithAModelMissingFromTheList_IsModelUnavailable_ForFree()
    {
        await using var rig = await EmulatorRig.StartAsync();
        ApiKey key = await rig.NewKeyAsync();
        rig.Host.State.Restrict(rig.KeyByFingerprint(key.Fingerprint)!, ["perplexity/sonar"]);

        ProbeResult missing = await rig.Client.ProbeAsync(key, ProbeKind.Free, "perplexity/sonar-pro", null, CancellationToken.None);
        ProbeResult present = await rig.Client.ProbeAsync(key, ProbeKind.Free, "perplexity/sonar", null, CancellationToken.None);

        Assert.Equal(TokenStatus.ModelUnavailable, missing.Status);
        Assert.Equal(200, missing.StatusCode);
        Assert.True(missing.ProvesUnusable);
        Assert.False(missing.ProvesInvalid);
        Assert.Equal(TokenStatus.Valid, present.Status);
        Assert.Empty(rig.Requests(CompletionPath));
    }

    [Fact]
    public async Task CompletionProbe_OfAModelTheKeyMayNotUse_IsModelUnavailable_From400()
    {
        await using var rig = await EmulatorRig.StartAsync();
        ApiKey key = await rig.NewKeyAsync();
        rig.Host.State.Restrict(rig.KeyByFingerprint(key.Fingerprint)!, ["perplexity/sonar"]);

        ProbeResult result = await rig.Client.ProbeAsync(key, ProbeKind.Completion, "perplexity/sonar-pro", null, CancellationToken.None);

        Assert.Equal(TokenStatus.ModelUnavailable, result.Status);
        Assert.Equal(400, result.StatusCode);
        Assert.Equal(["perplexity/sonar"], result.Models);
        Assert.Contains("not among its 1 models", result.Message, StringComparison.Ordinal);
        Assert.Single(rig.Requests(FreePath));
    }

    [Fact]
    public async Task CompletionProbe_A400ThatNamesTheModel_ButTheModelIsListed_IsUnknown_NotModelUnavailable()
    {
        await using var rig = await EmulatorRig.StartAsync();
        ApiKey key = await rig.NewKeyAsync();
        rig.Fault(new Fault { Status = 400, Body = "{\"error\":{\"message\":\"max_output_tokens too small for perplexity/sonar\",\"type\":\"invalid_request\",\"code\":400}}", Path = CompletionPath });

        ProbeResult result = await rig.Client.ProbeAsync(key, ProbeKind.Completion, null, CancellationToken.None);

        Assert.Equal(TokenStatus.Unknown, result.Status);
        Assert.False(result.ProvesUnusable);
    }

    [Theory]
    [InlineData("perplexity/sonar-pro")]
    [InlineData("Perplexity/Sonar-Pro")]
    [InlineData("sonar-pro")]
    public async Task FreeProbe_MatchesAModelByIdIgnoringCase_OrByItsBareName(string model)
    {
        await using var rig = await EmulatorRig.StartAsync();
        ApiKey key = await rig.NewKeyAsync();

        ProbeResult result = await rig.Client.ProbeAsync(key, ProbeKind.Free, model, null, CancellationToken.None);

        Assert.Equal(TokenStatus.Valid, result.Status);
    }

    [Fact]
    public async Task CompletionProbe_RefusedFor_SomethingOtherThanTheModel_IsUnknown_NotModelUnavailable()
    {
        await using var rig = await EmulatorRig.StartAsync();
        ApiKey key = await rig.NewKeyAsync();
        rig.Fault(new Fault { Status = 400, Body = "{\"error\":{\"message\":\"Unknown field 'max_output_tokens'.\",\"type\":\"invalid_request\",\"code\":400}}", Path = CompletionPath });

        ProbeResult result = await rig.Client.ProbeAsync(key, ProbeKind.Completion, null, CancellationToken.None);

        Assert.Equal(TokenStatus.Unknown, result.Status);
        Assert.False(result.ProvesUnusable);
    }

    [Fact]
    public async Task CompletionProbe_SendsAMinimalAgentRequest_ThatTheEmulatorAccepts()
    {
        await using var rig = await EmulatorRig.StartAsync();
        ApiKey key = await rig.NewKeyAsync();

        ProbeResult result = await rig.Client.ProbeAsync(key, ProbeKind.Completion, "perplexity/sonar-pro", null, CancellationToken.None);

        Assert.Equal(TokenStatus.Valid, result.Status);
        Assert.Equal("perplexity/sonar-pro", result.Model);
        Assert.Null(result.Models);
        Assert.Equal(200, Assert.Single(rig.Requests(CompletionPath)).Status);
    }

    public static TheoryData<ProbeKind, int, string?> RetiredAnswers => new()
    {
        { ProbeKind.Free, 403, RetiredBody },
        { ProbeKind.Completion, 403, RetiredBody },
        { ProbeKind.Free, 403, MigrationBody },
        { ProbeKind.Completion, 403, MigrationBody },
        { ProbeKind.Free, 404, null },
        { ProbeKind.Completion, 404, null },
        { ProbeKind.Free, 405, null },
        { ProbeKind.Free, 410, null },
        { ProbeKind.Completion, 410, null },
    };

    [Theory]
    [MemberData(nameof(RetiredAnswers))]
    public async Task Probe_AnsweredAsRetiredOrGone_IsEndpointRetired_NeverInvalidOrForbidden(ProbeKind kind, int status, string? body)
    {
        await using var rig = await EmulatorRig.StartAsync();
        ApiKey key = await rig.NewKeyAsync();
        rig.Fault(new Fault { Status = status, Body = body, Path = kind == ProbeKind.Free ? FreePath : CompletionPath });

        ProbeResult result = await rig.Client.ProbeAsync(key, kind, null, CancellationToken.None);

        Assert.Equal(TokenStatus.EndpointRetired, result.Status);
        Assert.False(result.ProvesUnusable);
        Assert.Contains("says nothing about key", result.Message, StringComparison.Ordinal);
        Assert.Contains("PerplexityKeys probes with GET /v1/models", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_ReadsTheDocumentedBodies_ModelList401AndResponseObject()
    {
        await using var rig = await EmulatorRig.StartAsync();
        ApiKey key = await rig.NewKeyAsync();
        rig.Fault(new Fault { Status = 200, Body = ModelListBody, Path = FreePath });
        rig.Fault(new Fault { Status = 200, Body = ResponseBody, Path = CompletionPath });
        rig.Fault(new Fault { Status = 401, Body = UnauthorizedBody, Path = FreePath });

        ProbeResult list = await rig.Client.ProbeAsync(key, ProbeKind.Free, "anthropic/claude-sonnet-4-5", null, CancellationToken.None);
        ProbeResult run = await rig.Client.ProbeAsync(key, ProbeKind.Completion, null, CancellationToken.None);
        ProbeResult refused = await rig.Client.ProbeAsync(key, ProbeKind.Free, null, CancellationToken.None);

        Assert.Equal(TokenStatus.Valid, list.Status);
        Assert.Equal(["perplexity/sonar", "anthropic/claude-sonnet-4-5"], list.Models);
        Assert.Equal(TokenStatus.Valid, run.Status);
        Assert.Equal(TokenStatus.Invalid, refused.Status);
        Assert.True(refused.ProvesInvalid);
        Assert.Contains("invalid_api_key", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"object\":\"list\"}")]
    [InlineData("{\"requests\":[]}")]
    [InlineData("[]")]
    public async Task FreeProbe_A200WithoutAModelList_IsUnknown_NotValid(string body)
    {
        await using var rig = await EmulatorRig.StartAsync();
        ApiKey key = await rig.NewKeyAsync();
        rig.Fault(new Fault { Status = 200, Body = body, Path = FreePath });

        ProbeResult result = await rig.Client.ProbeAsync(key, ProbeKind.Free, null, CancellationToken.None);

        Assert.Equal(TokenStatus.Unknown, result.Status);
    }

    [Fact]
    public async Task FreeProbe_EscapesModelIdsAndMessagesFromTheApi()
    {
        await using var rig = await EmulatorRig.StartAsync();
        ApiKey key = await rig.NewKeyAsync();
        rig.Fault(new Fault { Status = 200, Body = "{\"object\":\"list\",\"data\":[{\"id\":\"evil\\u001b]0;owned\\u0007\\n##vso[task.setvariable variable=X]1\"}]}", Path = FreePath });
        rig.Fault(new Fault { Status = 403, Body = "{\"error\":{\"message\":\"line1\\r\\n##vso[task.setvariable variable=PERPLEXITY_BASE_URL]https://evil.example \\u202e\",\"type\":\"forbidden\",\"code\":403}}", Path = FreePath });

        ProbeResult list = await rig.Client.ProbeAsync(key, ProbeKind.Free, null, CancellationToken.None);
        ProbeResult refused = await rig.Client.ProbeAsync(key, ProbeKind.Free, null, CancellationToken.None);

        string id = Assert.Single(list.Models!);
        Assert.Equal(TokenStatus.Forbidden, refused.Status);
        foreach (string text in new[] { id, refused.Message })
        {
            Assert.DoesNotContain(text, char.IsControl);
            Assert.DoesNotContain("##vso[", text, StringComparison.Ordinal);
            Assert.DoesNotContain('\u202e', text);
        }

        Assert.Contains("\\u001B", id, StringComparison.Ordinal);
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
        Assert.Contains(html ? "HTML" : "invalid_api_key", result.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(403, TokenStatus.Forbidden)]
    [InlineData(429, TokenStatus.RateLimited)]
    [InlineData(500, TokenStatus.Unknown)]
    [InlineData(418, TokenStatus.Unknown)]
    public async Task Probe_ClassifiesTheStatus(int status, TokenStatus expected)
    {
        await using var rig = await EmulatorRig.StartAsync();
        ApiKey key = await rig.NewKeyAsync();
        rig.Fault(new Fault { Status = status, Path = FreePath, RetryAfterSeconds = status == 429 ? 3600 : null });

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
        Assert.Contains("without a model list", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_WhenTheKeysRateLimitIsSpent_AndItsRetryAfterIsPastTheBudget_IsRateLimitedAtOnce_WithTheRetryAfter()
    {
        var time = new ManualTimeProvider();
        await using var rig = await EmulatorRig.StartAsync(time, o => new PplxClientOptions { BaseUri = o.BaseUri, TimeProvider = o.TimeProvider, MaxRetryAfter = TimeSpan.FromSeconds(30) });
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
        rig.Fault(new Fault { Status = 200, Body = "{\"object\":\"list\",\"data\": [" + new string(' ', 10 * 1024 * 1024) + "]}", Path = FreePath });

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
