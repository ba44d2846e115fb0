using System;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading;
using PerplexityKeys.Core.Api;
using PerplexityKeys.Core.Model;
using Polly;
using Polly.Retry;

namespace PerplexityKeys.NetFxProxy;

/// <summary>What the module's core does in a session, one dependency at a time. Not inlined: a load failure belongs to its step.</summary>
internal static class Steps
{
    /// <summary>System.Text.Json (with System.Memory, System.Buffers, Unsafe, Encodings.Web, AsyncInterfaces) both ways.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static string JsonRoundTrip()
    {
        var sent = new Sample { Name = "netfx-proxy", Numbers = [1, 2, 3], When = new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero) };
        string json = JsonSerializer.Serialize(sent);
        Sample back = JsonSerializer.Deserialize<Sample>(json) ?? throw new InvalidOperationException("null after the round trip");
        if (back.Name != sent.Name || back.When != sent.When || !back.Numbers.SequenceEqual(sent.Numbers))
        {
            throw new InvalidOperationException($"the round trip changed the value: {json}");
        }

        return json;
    }

    /// <summary>A Polly pipeline (Polly.Core, Microsoft.Bcl.TimeProvider, System.ComponentModel.Annotations) that retries once.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static string PollyRetry()
    {
        int attempts = 0;
        ResiliencePipeline pipeline = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = 2,
                Delay = TimeSpan.FromMilliseconds(1),
                ShouldHandle = new PredicateBuilder().Handle<InvalidOperationException>(),
            })
            .Build();
        int result = pipeline.Execute(() => ++attempts < 2 ? throw new InvalidOperationException("the first attempt fails") : attempts);
        return $"{result} attempts, one retry";
    }

    /// <summary>The free probe (GET /v1/models) of the admin key through the core's client.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static string Probe(string baseUri, string adminKey)
    {
        using var client = new PplxClient(new PplxClientOptions { BaseUri = new Uri(baseUri), UserAgent = "PerplexityKeys.NetFxProxy" });
        ProbeResult result = client.ProbeAsync(ApiKey.Create(adminKey), ProbeKind.Free, null, CancellationToken.None).GetAwaiter().GetResult();
        return Expect(result, TokenStatus.Valid);
    }

    /// <summary>Mints a key (POST /generate_auth_token) with the admin key, then probes the new key.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static string MintAndProbe(string baseUri, string adminKey)
    {
        using var client = new PplxClient(new PplxClientOptions { BaseUri = new Uri(baseUri), UserAgent = "PerplexityKeys.NetFxProxy" });
        MintedToken minted = client.GenerateTokenAsync(ApiKey.Create(adminKey), "netfx-proxy", null, CancellationToken.None).GetAwaiter().GetResult();
        ProbeResult result = client.ProbeAsync(minted.Key, ProbeKind.Free, null, CancellationToken.None).GetAwaiter().GetResult();
        return $"minted {minted.Key.Fingerprint} ({minted.TokenName}); " + Expect(result, TokenStatus.Valid);
    }

    private static string Expect(ProbeResult result, TokenStatus expected) =>
        result.Status == expected
            ? $"{result.Fingerprint} {result.Status} (HTTP {result.StatusCode}, {result.Models?.Count ?? 0} models)"
            : throw new InvalidOperationException($"{result.Fingerprint} is {result.Status} (HTTP {result.StatusCode}): {result.Message}");

    /// <summary>What the JSON step sends and reads back.</summary>
    public sealed class Sample
    {
        /// <summary>A string.</summary>
        public string Name { get; set; } = "";

        /// <summary>An array.</summary>
        public int[] Numbers { get; set; } = [];

        /// <summary>A date with an offset.</summary>
        public DateTimeOffset When { get; set; }
    }
}
