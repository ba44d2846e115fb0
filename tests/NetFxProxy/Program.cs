using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using PerplexityKeys.Loader;

namespace PerplexityKeys.NetFxProxy;

/// <summary>
/// Stands in for powershell.exe: runs the core's dependency closure on .NET Framework rules (no binding redirects) from
/// the folder it runs in, which holds a copy of the laid-out lib/. Each step prints <c>step NAME: ok ...</c> or
/// <c>step NAME: FAILED Type: message</c>; the last line is <c>proxy: N passed, N failed</c>, and the exit code is 0 only
/// when every step passed.
/// </summary>
/// <remarks>
/// Usage: <c>NetFxProxy.exe --base-uri URI [--no-resolver]</c>, with the emulator's admin key in
/// <c>PPLX_PROXY_ADMIN_KEY</c> (never on the command line, never printed: only fingerprints are).
/// </remarks>
internal static class Program
{
    private static int Main(string[] args)
    {
        bool withResolver = !args.Contains("--no-resolver");
        int at = Array.IndexOf(args, "--base-uri");
        string? baseUri = at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
        string? adminKey = Environment.GetEnvironmentVariable("PPLX_PROXY_ADMIN_KEY");
        string directory = AppDomain.CurrentDomain.BaseDirectory;

        Console.WriteLine($"proxy: {RuntimeInformation.FrameworkDescription}; resolver {(withResolver ? "registered" : "NOT registered")}; lib {directory}");
        if (withResolver)
        {
            ShippedAssemblyResolver.Register(directory);
        }

        // Each step touches the dependencies only inside its own method, so a failed load fails that step, not Main.
        var steps = new List<KeyValuePair<string, Func<string>>>
        {
            new("json", Steps.JsonRoundTrip),
            new("polly", Steps.PollyRetry),
            new("probe", () => Steps.Probe(Require(baseUri, "--base-uri"), Require(adminKey, "PPLX_PROXY_ADMIN_KEY"))),
            new("mint", () => Steps.MintAndProbe(Require(baseUri, "--base-uri"), Require(adminKey, "PPLX_PROXY_ADMIN_KEY"))),
        };

        int passed = 0, failed = 0;
        foreach (KeyValuePair<string, Func<string>> step in steps)
        {
            try
            {
                Console.WriteLine($"step {step.Key}: ok {step.Value()}");
                passed++;
            }
            catch (Exception e)
            {
                Console.WriteLine($"step {step.Key}: FAILED {Describe(e)}");
                failed++;
            }
        }

        Console.WriteLine($"proxy: {passed} passed, {failed} failed");
        return failed == 0 ? 0 : 1;
    }

    private static string Require(string? value, string name) =>
        string.IsNullOrEmpty(value) ? throw new ArgumentException($"{name} is required for this step.") : value!;

    // The load failure if there is one anywhere in the chain (it may arrive wrapped in a TypeInitializationException or
    // TargetInvocationException), else the exception itself; on one line.
    private static string Describe(Exception e)
    {
        Exception shown = e;
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            if (x is FileLoadException or FileNotFoundException or BadImageFormatException or TypeLoadException)
            {
                shown = x;
                break;
            }
        }

        if (shown is ReflectionTypeLoadException { LoaderExceptions: { Length: > 0 } loaderExceptions } && loaderExceptions[0] is { } first)
        {
            shown = first;
        }

        return $"{shown.GetType().FullName}: {shown.Message.Replace(Environment.NewLine, " ")}";
    }
}
