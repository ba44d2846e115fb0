using System;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PerplexityKeys.Core.Rotation;

/// <summary>
/// The rotation's own record, kept as a text secret beside S. It holds fingerprints and names,
/// never a key: it proves which siblings the module wrote and names a key whose mint answer was lost.
/// </summary>
public sealed class RotationJournal
{
    /// <summary>Identifies the rotation; part of the token name.</summary>
    [JsonPropertyName("runId")]
    public string RunId { get; set; } = string.Empty;

    /// <summary>The token_name the new key is minted under.</summary>
    [JsonPropertyName("tokenName")]
    public string TokenName { get; set; } = string.Empty;

    /// <summary>K_old's fingerprint.</summary>
    [JsonPropertyName("oldFingerprint")]
    public string OldFingerprint { get; set; } = string.Empty;

    /// <summary>K_new's fingerprint, once minted.</summary>
    [JsonPropertyName("newFingerprint")]
    public string? NewFingerprint { get; set; }

    /// <summary>When the rotation started.</summary>
    [JsonPropertyName("startedAt")]
    public DateTimeOffset StartedAt { get; set; }

    /// <summary>When K_new became current (the propagation wait counts from here).</summary>
    [JsonPropertyName("promotedAt")]
    public DateTimeOffset? PromotedAt { get; set; }

    /// <summary>True once -OnNewToken has run for K_new.</summary>
    [JsonPropertyName("handedOff")]
    public bool HandedOff { get; set; }

    /// <summary>True once K_old is revoked.</summary>
    [JsonPropertyName("oldRevoked")]
    public bool OldRevoked { get; set; }

    /// <summary>A marker so a user's own secret under the journal's name is never taken for one.</summary>
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = string.Empty;

    internal const string Marker = "PerplexityKeys.RotationJournal/1";

    /// <summary>Serialises the journal.</summary>
    public string ToJson() => JsonSerializer.Serialize(this);

    /// <summary>Reads a journal; null when the text is not one of ours.</summary>
    public static RotationJournal? TryParse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            RotationJournal? journal = JsonSerializer.Deserialize<RotationJournal>(text!);
            return journal?.Kind == Marker && journal.RunId.Length > 0 ? journal : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
