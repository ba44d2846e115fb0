using System;

namespace PerplexityKeys.Core.Model;

/// <summary>The outcome of probing one key.</summary>
/// <param name="Fingerprint">The probed key's fingerprint.</param>
/// <param name="Status">The classification.</param>
/// <param name="StatusCode">The HTTP status of the last answer, if any came.</param>
/// <param name="Latency">Time from the first request to the classification, retries included.</param>
/// <param name="Probe">The probe used.</param>
/// <param name="Message">A human explanation (never contains the key).</param>
/// <param name="RetryAfter">For <see cref="TokenStatus.RateLimited"/>: how long the API asked to wait.</param>
public sealed record ProbeResult(
    string Fingerprint,
    TokenStatus Status,
    int? StatusCode,
    TimeSpan Latency,
    ProbeKind Probe,
    string Message,
    TimeSpan? RetryAfter);
