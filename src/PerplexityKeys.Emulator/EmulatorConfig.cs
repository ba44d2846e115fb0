using System.Text.Json.Serialization;

namespace PerplexityKeys.Emulator;

/// <summary>Settings that tests and users change at run time through <c>POST /_emulator/config</c>.</summary>
public sealed class EmulatorConfig
{
    /// <summary>Requests per minute for the whole organisation (every key shares it); 0 = unlimited.</summary>
    public int OrgRequestsPerMinute { get; set; }

    /// <summary>Requests per minute for each key on its own; 0 = unlimited.</summary>
    public int KeyRequestsPerMinute { get; set; }

    /// <summary>A delay added before every API answer, in milliseconds.</summary>
    public int LatencyMs { get; set; }

    /// <summary>Answer 401 with the gateway's HTML page instead of the JSON envelope.</summary>
    public bool HtmlUnauthorized { get; set; }

    /// <summary>The answer to revoking a key the emulator never minted.</summary>
    [JsonConverter(typeof(JsonStringEnumConverter<UndocumentedAnswer>))]
    public UndocumentedAnswer RevokeUnknown { get; set; } = UndocumentedAnswer.NotFound;

    /// <summary>The answer to revoking a key that is already revoked.</summary>
    [JsonConverter(typeof(JsonStringEnumConverter<UndocumentedAnswer>))]
    public UndocumentedAnswer RevokeRevoked { get; set; } = UndocumentedAnswer.NotFound;

    /// <summary>Whether a key may revoke itself (default: no, 400 invalid_request).</summary>
    public bool AllowSelfRevoke { get; set; }

    /// <summary>The most live keys the organisation may hold; 0 = unlimited.</summary>
    public int MaxKeys { get; set; }

    /// <summary>
    /// How old a key is when it is minted, in seconds: its <c>created_at_epoch_seconds</c> is the emulator's clock minus
    /// this (default 0). Lets tests make keys of different ages without waiting.
    /// </summary>
    public long MintAgeSeconds { get; set; }

    /// <summary>The Sonar chat paths: retired (403, the live API today) or live (the old answers).</summary>
    [JsonConverter(typeof(JsonStringEnumConverter<SonarMode>))]
    public SonarMode Sonar { get; set; } = SonarMode.Retired;

    /// <summary>The organisation's models (<c>provider/name</c> ids): what <c>GET /v1/models</c> lists for an unrestricted key and the Agent API runs.</summary>
    public List<string> Models { get; set; } = ModelCatalog.Ids();
}
