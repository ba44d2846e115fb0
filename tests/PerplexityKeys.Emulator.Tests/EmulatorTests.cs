using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using PerplexityKeys.Core.Model;
using PerplexityKeys.Core.Tests.Support;
using Xunit;

namespace PerplexityKeys.Emulator.Tests;

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
            using var request = new HttpRequestMessage(HttpMethod.Get, "v1/models");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Text(k));
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

        Assert.DoesNotContain(Text(key), json, StringComparison.Ordinal);
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
        (await rig.Control.PostAsJsonAsync("faults", new[] { new { kind = "Status", status = 503, path = "/v1/models", count = 2 } })).EnsureSuccessStatusCode();

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
    public async Task ConsoleKeyBatch_MintsThatManyDistinctValidKeys()
    {
        await using var rig = await EmulatorRig.StartAsync();

        using HttpResponseMessage response = await rig.Control.PostAsJsonAsync("keys/batch", new { count = 3, name = "bulk" });
        using JsonDocument doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        ApiKey[] keys = doc.RootElement.EnumerateArray().Select(e => ApiKey.Create(e.GetProperty("auth_token").GetString())).ToArray();

        Assert.Equal(3, keys.Select(k => k.Fingerprint).Distinct().Count());
        Assert.Equal(["bulk-1", "bulk-2", "bulk-3"], doc.RootElement.EnumerateArray().Select(e => e.GetProperty("token_name").GetString()));
        foreach (ApiKey key in keys)
        {
            Assert.Equal(TokenStatus.Valid, (await rig.Client.ProbeAsync(key, ProbeKind.Free, null, CancellationToken.None)).Status);
        }
    }

    [Fact]
    public async Task ConsoleKeyBatch_RefusesACountOutOfRange()
    {
        await using var rig = await EmulatorRig.StartAsync();

        using HttpResponseMessage response = await rig.Control.PostAsJsonAsync("keys/batch", new { count = 0 });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task MintAgeSeconds_SetThroughTheControlSurface_DatesNewKeysBack()
    {
        var time = new ManualTimeProvider();
        time.SetUtcNow(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));
        await using var rig = await EmulatorRig.StartAsync(time);

        (await rig.Control.PostAsJsonAsync("config", new { mintAgeSeconds = 86400 * 40 })).EnsureSuccessStatusCode();
        MintedToken old = await rig.Client.GenerateTokenAsync(rig.Admin, "old", null, CancellationToken.None);
        (await rig.Control.PostAsJsonAsync("config", new { mintAgeSeconds = 0 })).EnsureSuccessStatusCode();
        MintedToken fresh = await rig.Client.GenerateTokenAsync(rig.Admin, "fresh", null, CancellationToken.None);

        Assert.Equal(time.GetUtcNow().AddDays(-40), old.CreatedAt);
        Assert.Equal(old.CreatedAt, rig.KeyByFingerprint(old.Key.Fingerprint)!.CreatedAt);
        Assert.Equal(time.GetUtcNow(), fresh.CreatedAt);
    }

    /// <summary>A key's text, read on purpose through the core's public surface (ApiKey.Reveal is internal to the core's own tests).</summary>
    private static string Text(ApiKey key)
    {
        using System.Security.SecureString secure = key.ToSecureString();
        return new NetworkCredential(string.Empty, secure).Password;
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(EmulatorRig rig, HttpMethod method, string path, string? bearer, object? body = null)
    {
        using var http = new HttpClient { BaseAddress = rig.Host.BaseUri };
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        using HttpResponseMessage response = await http.SendAsync(request);
        using JsonDocument doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, doc.RootElement.Clone());
    }

    [Theory]
    [InlineData("POST", "chat/completions")]
    [InlineData("GET", "async/chat/completions")]
    public async Task RetiredSonarPaths_Answer403ChatCompletionsNotAvailable_ToEveryKey_ByDefault(string method, string path)
    {
        await using var rig = await EmulatorRig.StartAsync();
        var chat = new { model = "sonar", messages = new[] { new { role = "user", content = "hi" } } };

        foreach (string? bearer in new[] { rig.Host.AdminKey, "pplx-" + new string('x', 48), null })
        {
            (HttpStatusCode status, JsonElement body) = await SendAsync(rig, new HttpMethod(method), path, bearer, method == "POST" ? chat : null);

            Assert.Equal(HttpStatusCode.Forbidden, status);
            JsonElement error = body.GetProperty("error");
            Assert.Equal("chat_completions_not_available", error.GetProperty("type").GetString());
            Assert.Equal(403, error.GetProperty("code").GetInt32());
            Assert.StartsWith("Sonar is now the Agent API. Use /v1/responses instead.", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task SonarLive_BringsTheOldAnswersBack_ForRehearsal()
    {
        await using var rig = await EmulatorRig.StartAsync();
        (await rig.Control.PostAsJsonAsync("config", new { sonar = "Live" })).EnsureSuccessStatusCode();

        (HttpStatusCode chat, JsonElement body) = await SendAsync(rig, HttpMethod.Post, "chat/completions", rig.Host.AdminKey, new { model = "sonar", messages = new[] { new { role = "user", content = "hi" } }, max_tokens = 1 });
        (HttpStatusCode async, _) = await SendAsync(rig, HttpMethod.Get, "async/chat/completions", rig.Host.AdminKey);
        (HttpStatusCode bad, _) = await SendAsync(rig, HttpMethod.Get, "async/chat/completions", "pplx-" + new string('x', 48));

        Assert.Equal(HttpStatusCode.OK, chat);
        Assert.Equal("chat.completion", body.GetProperty("object").GetString());
        Assert.Equal(HttpStatusCode.OK, async);
        Assert.Equal(HttpStatusCode.Unauthorized, bad);
    }

    [Fact]
    public async Task Models_RequireAKey_AndListWhatTheKeyMayUse_InTheLiveShape()
    {
        await using var rig = await EmulatorRig.StartAsync();
        using HttpResponseMessage made = await rig.Control.PostAsJsonAsync("keys", new { name = "restricted", models = new[] { "perplexity/sonar", "anthropic/claude-sonnet-4-5" } });
        using JsonDocument madeDoc = JsonDocument.Parse(await made.Content.ReadAsStringAsync());
        string restricted = madeDoc.RootElement.GetProperty("auth_token").GetString()!;

        (HttpStatusCode anonymous, JsonElement refused) = await SendAsync(rig, HttpMethod.Get, "v1/models", null);
        (HttpStatusCode all, JsonElement full) = await SendAsync(rig, HttpMethod.Get, "v1/models", rig.Host.AdminKey);
        (HttpStatusCode some, JsonElement part) = await SendAsync(rig, HttpMethod.Get, "v1/models", restricted);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous);
        Assert.Equal("invalid_api_key", refused.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.OK, all);
        Assert.Equal("list", full.GetProperty("object").GetString());
        Assert.Equal(rig.Host.State.Config.Models.Count, full.GetProperty("data").GetArrayLength());
        Assert.Equal(HttpStatusCode.OK, some);
        JsonElement[] listed = [.. part.GetProperty("data").EnumerateArray()];
        Assert.Equal(["perplexity/sonar", "anthropic/claude-sonnet-4-5"], listed.Select(m => m.GetProperty("id").GetString()));
        Assert.All(listed, m => Assert.Equal(0, m.GetProperty("created").GetInt32()));
        Assert.Equal("anthropic", listed[1].GetProperty("owned_by").GetString());
        Assert.Equal(3.75, listed[1].GetProperty("pricing").GetProperty("cache_write").GetDouble());
        Assert.False(listed[0].GetProperty("pricing").TryGetProperty("cache_write", out _));
    }

    [Theory]
    [InlineData("v1/agent")]
    [InlineData("v1/responses")]
    public async Task Agent_AnswersAResponsesObject_WithUsageAndCost(string path)
    {
        await using var rig = await EmulatorRig.StartAsync();

        (HttpStatusCode status, JsonElement body) = await SendAsync(rig, HttpMethod.Post, path, rig.Host.AdminKey, new { model = "perplexity/sonar", input = "hi", max_output_tokens = 16 });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("response", body.GetProperty("object").GetString());
        Assert.StartsWith("resp_", body.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("completed", body.GetProperty("status").GetString());
        Assert.Equal("output_text", body.GetProperty("output")[0].GetProperty("content")[0].GetProperty("type").GetString());
        Assert.Equal("USD", body.GetProperty("usage").GetProperty("cost").GetProperty("currency").GetString());
        Assert.True(body.GetProperty("usage").GetProperty("cost").GetProperty("total_cost").GetDouble() > 0);
    }

    [Theory]
    [InlineData("unknown model", "{\"model\":\"perplexity/nope\",\"input\":\"hi\",\"max_output_tokens\":16}")]
    [InlineData("unknown preset", "{\"preset\":\"turbo\",\"input\":\"hi\"}")]
    [InlineData("unknown field", "{\"model\":\"perplexity/sonar\",\"input\":\"hi\",\"max_tokens\":1}")]
    [InlineData("no input", "{\"model\":\"perplexity/sonar\"}")]
    [InlineData("third-party model without max_output_tokens", "{\"model\":\"openai/gpt-5-mini\",\"input\":\"hi\"}")]
    public async Task Agent_RefusesWith400InvalidRequest_AfterTheKeyAuthenticated(string what, string json)
    {
        await using var rig = await EmulatorRig.StartAsync();
        using var http = new HttpClient { BaseAddress = rig.Host.BaseUri };
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/agent") { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", rig.Host.AdminKey);

        using HttpResponseMessage response = await http.SendAsync(request);
        using JsonDocument doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, what);
        Assert.Equal("invalid_request", doc.RootElement.GetProperty("error").GetProperty("type").GetString());
    }

    [Fact]
    public async Task ControlSurface_RestrictsAnExistingKeysModels()
    {
        await using var rig = await EmulatorRig.StartAsync();
        ApiKey key = await rig.NewKeyAsync();

        (await rig.Control.PostAsJsonAsync("keys/models", new { auth_token = Text(key), models = new[] { "perplexity/sonar" } })).EnsureSuccessStatusCode();
        (HttpStatusCode refused, _) = await SendAsync(rig, HttpMethod.Post, "v1/agent", Text(key), new { model = "perplexity/sonar-pro", input = "hi", max_output_tokens = 16 });
        (HttpStatusCode allowed, _) = await SendAsync(rig, HttpMethod.Post, "v1/agent", Text(key), new { model = "perplexity/sonar", input = "hi", max_output_tokens = 16 });

        Assert.Equal(HttpStatusCode.BadRequest, refused);
        Assert.Equal(HttpStatusCode.OK, allowed);
    }
}
