using System;
using PerplexityKeys.Core.Model;

namespace PerplexityKeys;

/// <summary>What Test-PplxToken learned about one key.</summary>
public sealed class PplxTokenTestResult
{
    internal PplxTokenTestResult(ProbeResult probe, string? name, Uri baseUri)
    {
        Fingerprint = probe.Fingerprint;
        Name = name;
        Status = probe.Status;
        StatusCode = probe.StatusCode;
        Latency = probe.Latency;
        Probe = probe.Probe;
        Message = probe.Message;
        RetryAfter = probe.RetryAfter;
        BaseUri = baseUri;
    }

    /// <summary>The probed key's fingerprint.</summary>
    public string Fingerprint { get; }

    /// <summary>The key's token name, when known.</summary>
    public string? Name { get; }

    /// <summary>The classification: Valid, Invalid (revoked or unknown), Forbidden, RateLimited, ModelUnavailable, Unreachable, Unknown.</summary>
    public TokenStatus Status { get; }

    /// <summary>True when <see cref="Status"/> is Valid.</summary>
    public bool IsValid => Status == TokenStatus.Valid;

    /// <summary>The HTTP status of the last answer, if any came.</summary>
    public int? StatusCode { get; }

    /// <summary>Time to the classification, retries included.</summary>
    public TimeSpan Latency { get; }

    /// <summary>The probe used (Free or Completion).</summary>
    public ProbeKind Probe { get; }

    /// <summary>The API the key was probed at.</summary>
    public Uri BaseUri { get; }

    /// <summary>What the answer means.</summary>
    public string Message { get; }

    /// <summary>For RateLimited: how long the API asked to wait.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <inheritdoc />
    public override string ToString() => Fingerprint + ": " + Status;
}
