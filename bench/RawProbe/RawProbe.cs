// The bench's "what a user could write instead" at full speed: a raw HttpClient loop of GET /v1/models at a fixed
// concurrency, compiled by Add-Type in bench/Bench.ps1. Not shipped; not part of the module.
using System;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;

public static class RawProbe
{
    public static int Run(string baseUri, string[] keys, int concurrency)
    {
        using var http = new HttpClient { BaseAddress = new Uri(baseUri) };
        using var gate = new SemaphoreSlim(concurrency);
        Task<bool>[] probes = keys.Select(async key =>
        {
            await gate.WaitAsync().ConfigureAwait(false);
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "v1/models");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
                using HttpResponseMessage response = await http.SendAsync(request).ConfigureAwait(false);
                return response.IsSuccessStatusCode;
            }
            finally
            {
                gate.Release();
            }
        }).ToArray();
        return Task.WhenAll(probes).GetAwaiter().GetResult().Count(ok => ok);
    }
}
