using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using PerplexityKeys.Core.Model;
using PerplexityKeys.Core.Tests.Support;
using Xunit;

namespace PerplexityKeys.Core.Tests.Emulator;

public sealed class EmulatorTests
{
    [Fact]
    public async Task OrganisationRateLimit_IsSharedByEveryKey_AndAnswers429WithHeaders()
    {
        var time = new ManualTimeProvider();
        await using var rig = await EmulatorRig.StartAsync(time);
        ApiKey a = await rig.NewKeyAsync("a");
        ApiKey b = await rig.NewKeyAsync("b");
        time.SetUtcNow(new DateTimeOffset(2026, 11, 24, 12, 5, 15, TimeSpan.Zero));
        rig.Configure(c => c.OrgRequestsPerMinute = 2);

        using var http = new HttpClient { BaseAddress = rig.Host.BaseUri };
        HttpStatusCode Send(ApiKey k, out HttpResponseHeaders headers)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "async/chat/completions");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", k.Reveal());
            HttpResponseMessage response = http.Send(request);
            headers = response.Headers;
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, Send(a, out _));
        Assert.Equal(HttpStatusCode.OK, Send(b, out _));
        Assert.Equal(HttpStatusCode.TooManyRequests, Send(a, out HttpResponseHeaders limited));
        Assert.Equal(TimeSpan.FromSeconds(45), limited.RetryAfter?.Delta);
        Assert.Equal("2", limited.GetValues("X-RateLimit-Limit").Single());
        Assert.Equal("0", limited.GetValues("X-RateLimit-Remaining").Single());

        time.Advance(TimeSpan.FromSeconds(45));
        Assert.Equal(HttpStatusCode.OK, Send(b, out _));
    }

    [Fact]
    public async Task ControlSurface_ListsKeysByFingerprintOnly_WithRequestCounts()
    {
        await using var rig = await EmulatorRig.StartAsync();
        ApiKey key = await rig.NewKeyAsync("listed");
        await rig.Client.ProbeAsync(key, ProbeKind.Free, null, CancellationToken.None);

        string json = await rig.Control.GetStringAsync("keys");

        Assert.DoesNotContain(key.Reveal(), json, StringComparison.Ordinal);
        Assert.DoesNotContain(rig.Host.AdminKey, json, StringComparison.Ordinal);
        using JsonDocument doc = JsonDocument.Parse(json);
        JsonElement listed = doc.RootElement.EnumerateArray().Single(k => k.GetProperty("name").GetString() == "listed");
        Assert.Equal(key.Fingerprint, listed.GetProperty("fingerprint").GetString());
        Assert.Equal(1, listed.GetProperty("requests").GetInt64());
        Assert.False(listed.GetProperty("revoked").GetBoolean());
    }

    [Fact]
    public async Task ControlSurface_PatchesConfig_QueuesFaults_AndResets()
    {
        await using var rig = await EmulatorRig.StartAsync();
        ApiKey key = await rig.NewKeyAsync();

        (await rig.Control.PostAsJsonAsync("config", new { htmlUnauthorized = true, revokeUnknown = "Ok" })).EnsureSuccessStatusCode();
        (await rig.Control.PostAsJsonAsync("faults", new[] { new { kind = "Status", status = 503, path = "/async/chat/completions", count = 2 } })).EnsureSuccessStatusCode();

        Assert.True(rig.Host.State.Config.HtmlUnauthorized);
        Assert.Equal(PerplexityKeys.Emulator.UndocumentedAnswer.Ok, rig.Host.State.Config.RevokeUnknown);
        Assert.Equal(0, rig.Host.State.Config.OrgRequestsPerMinute);
        Assert.Equal(2, Assert.Single(rig.Host.State.Faults()).Count);
        Assert.Equal(HttpStatusCode.BadRequest, (await rig.Control.PostAsJsonAsync("config", new { noSuchSetting = 1 })).StatusCode);

        (await rig.Control.PostAsync("reset", null)).EnsureSuccessStatusCode();

        Assert.Empty(rig.Host.State.Faults());
        Assert.False(rig.Host.State.Config.HtmlUnauthorized);
        Assert.Null(rig.KeyByFingerprint(key.Fingerprint));
        Assert.Equal(TokenStatus.Valid, (await rig.Client.ProbeAsync(rig.Admin, ProbeKind.Free, null, CancellationToken.None)).Status);
    }

    [Fact]
    public async Task ConsoleKey_MintsTheFirstKeyWithoutAuthorization()
    {
        await using var rig = await EmulatorRig.StartAsync();

        using HttpResponseMessage response = await rig.Control.PostAsJsonAsync("keys", new { name = "console" });
        using JsonDocument doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        ApiKey key = ApiKey.Create(doc.RootElement.GetProperty("auth_token").GetString());

        Assert.True(key.HasExpectedShape);
        Assert.Equal(TokenStatus.Valid, (await rig.Client.ProbeAsync(key, ProbeKind.Free, null, CancellationToken.None)).Status);
    }

    [Fact]
    public async Task Agent_AnswersAMinimalResponse_ForALiveKey()
    {
        await using var rig = await EmulatorRig.StartAsync();
        using var http = new HttpClient { BaseAddress = rig.Host.BaseUri };
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/agent") { Content = JsonContent.Create(new { model = "sonar", input = "hi" }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", rig.Host.AdminKey);

        using HttpResponseMessage response = await http.SendAsync(request);
        using JsonDocument doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("completed", doc.RootElement.GetProperty("status").GetString());
    }
}
