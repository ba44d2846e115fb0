using System.Net.Http.Json;
using PerplexityKeys.Core.Api;
using PerplexityKeys.Core.Model;
using PerplexityKeys.Emulator;

namespace PerplexityKeys.Core.Tests.Support;

/// <summary>An in-process emulator on a free loopback port and a client for it, both on one clock.</summary>
public sealed class EmulatorRig : IAsyncDisposable
{
    private EmulatorRig(EmulatorHost host, PplxClient client, TimeProvider time, HttpClient control)
    {
        Host = host;
        Client = client;
        Time = time;
        Control = control;
    }

    public EmulatorHost Host { get; }

    public PplxClient Client { get; }

    public TimeProvider Time { get; }

    /// <summary>An HttpClient on the control surface.</summary>
    public HttpClient Control { get; }

    public ApiKey Admin => ApiKey.Create(Host.AdminKey);

    public static async Task<EmulatorRig> StartAsync(TimeProvider? time = null, Func<PplxClientOptions, PplxClientOptions>? configure = null)
    {
        time ??= TimeProvider.System;
        EmulatorHost host = await EmulatorHost.StartAsync(new EmulatorHostOptions { TimeProvider = time });
        var options = new PplxClientOptions { BaseUri = host.BaseUri, TimeProvider = time, UserAgent = "PerplexityKeys.Tests/1.0" };
        options = configure?.Invoke(options) ?? options;
        return new EmulatorRig(host, new PplxClient(options), time, new HttpClient { BaseAddress = new Uri(host.BaseUri, "_emulator/") });
    }

    public void Fault(Fault fault) => Host.State.AddFaults([fault]);

    public void Configure(Action<EmulatorConfig> change) => change(Host.State.Config);

    public IReadOnlyList<RequestLogEntry> Requests(string path) => Host.State.RequestLog().Where(r => r.Path == path).ToList();

    public EmulatorKey? KeyByFingerprint(string fingerprint) => Host.State.Keys().SingleOrDefault(k => k.Fingerprint == fingerprint);

    public async Task<ApiKey> NewKeyAsync(string name = "test") =>
        (await Client.GenerateTokenAsync(Admin, name, null, CancellationToken.None)).Key;

    public async Task<T?> GetControlAsync<T>(string path) => await Control.GetFromJsonAsync<T>(path);

    public async ValueTask DisposeAsync()
    {
        Control.Dispose();
        Client.Dispose();
        await Host.DisposeAsync();
    }
}
