using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace PerplexityKeys.Emulator;

/// <summary>A running emulator bound to 127.0.0.1.</summary>
public sealed class EmulatorHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EmulatorHost(WebApplication app, EmulatorState state, Uri baseUri)
    {
        _app = app;
        State = state;
        BaseUri = baseUri;
    }

    /// <summary>The API base, e.g. <c>http://127.0.0.1:50123/</c>.</summary>
    public Uri BaseUri { get; }

    /// <summary>Keys, settings, faults and the request log.</summary>
    public EmulatorState State { get; }

    /// <summary>The seeded admin key.</summary>
    public string AdminKey => State.AdminKey;

    /// <summary>Starts an emulator on loopback.</summary>
    public static async Task<EmulatorHost> StartAsync(EmulatorHostOptions options, CancellationToken cancellationToken = default)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, options.Port);
            k.Limits.MaxRequestBodySize = 32 * 1024 * 1024; // room for fault bodies of 10 MB and more
        });
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase);

        var state = new EmulatorState(options.TimeProvider, options.AdminKey);
        if (options.Config is not null)
        {
            state.SetStartConfig(options.Config);
        }

        WebApplication app = builder.Build();
        var api = new ApiEndpoints(state);
        ControlEndpoints.Map(app, state);
        app.MapWhen(ctx => !ctx.Request.Path.StartsWithSegments(ControlEndpoints.Prefix, StringComparison.Ordinal), branch => branch.Run(api.HandleAsync));

        await app.StartAsync(cancellationToken);
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new EmulatorHost(app, state, new Uri(address.TrimEnd('/') + "/"));
    }

    /// <summary>Waits until the process is asked to stop (Ctrl+C, SIGTERM) or <paramref name="cancellationToken"/> fires.</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken) => _app.WaitForShutdownAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
