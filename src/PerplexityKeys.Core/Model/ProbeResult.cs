using System.Collections.Generic;

namespace PerplexityKeys.Core.Model;

/// <summary>The outcome of probing one key.</summary>
/// <param name="Fingerprint">The probed key's fingerprint.</param>
/// <param name="Status">The classification.</param>
/// <param name="StatusCode">The HTTP status of the last answer, if any came.</param>
/// <param name="Latency">Time from the first request to the classification, retries included.</param>
/// <param name="Probe">The probe used.</param>
/// <param name="Message">A human explanation (never contains the key; text from the API is escaped).</param>
/// <param name="RetryAfter">For <see cref="TokenStatus.RateLimited"/>: how long the API asked to wait.</param>
public sealed record ProbeResult(
    string Fingerprint,
    TokenStatus Status,
    int? StatusCode,
    TimeSpan Latency,
    ProbeKind Probe,
    string Message,
    TimeSpan? RetryAfter)
{
    /// <summary>The model the probe checked or ran, if one was named.</summary>
    public string? Model { get; init; }

    /// <summary>The models <c>GET /v1/models</c> listed for the key (escaped ids), or null when the probe did not list them.</summary>
    public IReadOnlyList<string>? Models { get; init; }

    /// <summary>True only on positive evidence that the key is dead: a 401 from a live path.</summary>
    public bool ProvesInvalid => Status == TokenStatus.Invalid;

    /// <summary>True only on positive evidence that the key cannot be used as asked: 401, or the model missing from its list.</summary>
    public bool ProvesUnusable => Status is TokenStatus.Invalid or TokenStatus.ModelUnavailable;
}
