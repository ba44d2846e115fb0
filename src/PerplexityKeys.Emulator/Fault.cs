using System.Text.Json.Serialization;

namespace PerplexityKeys.Emulator;

/// <summary>One queued fault, applied to the next <see cref="Count"/> API requests that match.</summary>
public sealed class Fault
{
    /// <summary>What happens.</summary>
    [JsonConverter(typeof(JsonStringEnumConverter<FaultKind>))]
    public FaultKind Kind { get; set; } = FaultKind.Status;

    /// <summary>Only requests to this path (e.g. <c>/generate_auth_token</c>); null = any API path.</summary>
    public string? Path { get; set; }

    /// <summary>For <see cref="FaultKind.Status"/>: the status code.</summary>
    public int Status { get; set; } = 500;

    /// <summary>For <see cref="FaultKind.Status"/>: the body; null = the API's JSON envelope (or the HTML page for 401 when <see cref="Html"/>).</summary>
    public string? Body { get; set; }

    /// <summary>For <see cref="FaultKind.Status"/> with a <see cref="Body"/>: its content type.</summary>
    public string? ContentType { get; set; }

    /// <summary>For <see cref="FaultKind.Status"/>: send the gateway's HTML page instead of JSON.</summary>
    public bool Html { get; set; }

    /// <summary>For <see cref="FaultKind.Status"/>: a Retry-After header, in seconds.</summary>
    public int? RetryAfterSeconds { get; set; }

    /// <summary>For <see cref="FaultKind.Status"/>: a Location header (to answer with a redirect).</summary>
    public string? Location { get; set; }

    /// <summary>For <see cref="FaultKind.Delay"/> and <see cref="FaultKind.DelayBody"/>: the delay in milliseconds.</summary>
    public int DelayMs { get; set; }

    /// <summary>How many matching requests this fault applies to.</summary>
    public int Count { get; set; } = 1;

    internal bool Matches(string path) => Path is null || string.Equals(Path, path, StringComparison.OrdinalIgnoreCase);
}
