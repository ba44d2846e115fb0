using System.Globalization;
using System.Text.Json;
using PerplexityKeys.Emulator;

// A loopback stand-in for the Perplexity API. Prints one machine-readable line:
//   PPLX-EMULATOR {"baseUri":"http://127.0.0.1:PORT/","adminKey":"pplx-…","pid":N}
// then serves until Ctrl+C / SIGTERM (or until standard input closes, with --exit-on-stdin-close).
int port = 0;
var config = new EmulatorConfig();
bool exitOnStdinClose = false;
for (int i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    int NextInt() => int.Parse(Next(), CultureInfo.InvariantCulture);
    switch (args[i])
    {
        case "--port": port = NextInt(); break;
        case "--rpm": config.OrgRequestsPerMinute = NextInt(); break;
        case "--key-rpm": config.KeyRequestsPerMinute = NextInt(); break;
        case "--latency-ms": config.LatencyMs = NextInt(); break;
        case "--html-401": config.HtmlUnauthorized = true; break;
        case "--sonar": config.Sonar = Enum.Parse<SonarMode>(Next(), ignoreCase: true); break;
        case "--exit-on-stdin-close": exitOnStdinClose = true; break;
        case "--help" or "-h":
            Console.WriteLine("PerplexityKeys.Emulator [--port N] [--rpm N] [--key-rpm N] [--latency-ms N] [--html-401] [--sonar retired|live] [--exit-on-stdin-close]");
            return 0;
        default:
            Console.Error.WriteLine($"Unknown argument '{args[i]}'. Try --help.");
            return 2;
    }
}

await using EmulatorHost host = await EmulatorHost.StartAsync(new EmulatorHostOptions { Port = port, Config = config });
Console.WriteLine("PPLX-EMULATOR " + JsonSerializer.Serialize(new { baseUri = host.BaseUri.ToString(), adminKey = host.AdminKey, pid = Environment.ProcessId }));
Console.Out.Flush();
Console.Error.WriteLine($"Perplexity API emulator listening on {host.BaseUri} (control: {host.BaseUri}_emulator/). Ctrl+C stops it.");

using var stop = new CancellationTokenSource();
if (exitOnStdinClose)
{
    _ = Task.Run(async () =>
    {
        using Stream stdin = Console.OpenStandardInput();
        byte[] buffer = new byte[256];
        while (await stdin.ReadAsync(buffer) > 0)
        {
        }

        await stop.CancelAsync();
    });
}

try
{
    await host.WaitForShutdownAsync(stop.Token);
}
catch (OperationCanceledException)
{
}

return 0;
