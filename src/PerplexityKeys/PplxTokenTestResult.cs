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
        Model = probe.Model;
        Models = probe.Models is null ? null : [.. probe.Models];
    }

    /// <summary>The probed key's fingerprint.</summary>
    public string Fingerprint { get; }

    /// <summary>The key's token name, when known.</summary>
    public string? Name { get; }

    /// <summary>The classification: Valid, Invalid (401: revoked or unknown), Forbidden, RateLimited, ModelUnavailable, Unreachable, Unknown, EndpointRetired.</summary>
    public TokenStatus Status { get; }

    /// <summary>True when <see cref="Status"/> is Valid.</summary>
    public bool IsValid => Status == TokenStatus.Valid;

    /// <summary>The HTTP status of the last answer, if any came.</summary>
    public int? StatusCode { get; }

    /// <summary>Time to the classification, retries included.</summary>
    public TimeSpan Latency { get; }

    /// <summary>The probe used: Free (GET /v1/models, costs nothing) or Completion (one paid POST /v1/agent run).</summary>
    public ProbeKind Probe { get; }

    /// <summary>The model checked (Free with -Model) or run (Completion), if any.</summary>
    public string? Model { get; }

    /// <summary>The models GET /v1/models listed for the key (ids as provider/name, escaped); null when the probe did not list them.</summary>
    public string[]? Models { get; }

    /// <summary>How many models the key can use; null when the probe did not list them.</summary>
    public int? ModelCount => Models?.Length;

    /// <summary>The API the key was probed at.</summary>
    public Uri BaseUri { get; }

    /// <summary>What the answer means.</summary>
    public string Message { get; }

    /// <summary>For RateLimited: how long the API asked to wait.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <inheritdoc />
    public override string ToString() => Fingerprint + ": " + Status;
}
