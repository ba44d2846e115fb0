namespace PerplexityKeys.Core.Tests.Support;

/// <summary>Cancels the work as the API's answer to a mint arrives, as a Ctrl+C at that moment does.</summary>
public sealed class CancelAfterMintHandler(CancellationTokenSource stop) : DelegatingHandler(new HttpClientHandler())
{
    /// <summary>False until the test is ready: mints meanwhile (seeding a vault) are left alone.</summary>
    public bool Armed { get; set; } = true;

    /// <summary>Cancel as soon as the answer's headers are in, before its body (else once the whole answer is in).</summary>
    public bool BeforeBody { get; set; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response = await base.SendAsync(request, cancellationToken);
        if (Armed && request.RequestUri!.AbsolutePath.EndsWith("/generate_auth_token", StringComparison.Ordinal))
        {
            if (!BeforeBody)
            {
                await response.Content.LoadIntoBufferAsync(cancellationToken);
            }

            stop.Cancel();
        }

        return response;
    }
}
