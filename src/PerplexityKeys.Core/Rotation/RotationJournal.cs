using System.Text.Json;
using System.Text.Json.Serialization;

namespace PerplexityKeys.Core.Rotation;

/// <summary>
/// The rotation's own record, kept as a text secret beside S. It holds fingerprints and names,
/// never a key: it proves which siblings the module wrote (and for which secret) and names a key whose
/// mint answer was lost. It is never deleted: when no rotation is under way it is an idle record of
/// the last one (a soft-deleting vault such as Azure Key Vault could not write a deleted name again).
/// It is immutable: each step that records something writes a new record made with <c>with</c>.
/// </summary>
public sealed record RotationJournal
{
    /// <summary>Identifies the rotation; part of the token name.</summary>
    [JsonPropertyName("runId")]
    public string RunId { get; init; } = string.Empty;

    /// <summary>The token_name the new key is minted under.</summary>
    [JsonPropertyName("tokenName")]
    public string TokenName { get; init; } = string.Empty;

    /// <summary>K_old's fingerprint.</summary>
    [JsonPropertyName("oldFingerprint")]
    public string OldFingerprint { get; init; } = string.Empty;

    /// <summary>K_new's fingerprint, once minted.</summary>
    [JsonPropertyName("newFingerprint")]
    public string? NewFingerprint { get; init; }

    /// <summary>
    /// When the API created K_new (its <c>created_at_epoch_seconds</c>): the record of the key's age
    /// (<see cref="Inventory.KeyStandings"/>). Journals written before it existed have none: then <see cref="StartedAt"/> stands in.
    /// </summary>
    [JsonPropertyName("newCreatedAt")]
    public DateTimeOffset? NewCreatedAt { get; init; }

    /// <summary>When the API created K_old, carried over from the record before this one when that record knew it.</summary>
    [JsonPropertyName("oldCreatedAt")]
    public DateTimeOffset? OldCreatedAt { get; init; }

    /// <summary>When the last rotation of this secret that ended Done completed, before this record (carried over).</summary>
    [JsonPropertyName("lastRotatedAt")]
    public DateTimeOffset? LastRotatedAt { get; init; }

    /// <summary>When the rotation started.</summary>
    [JsonPropertyName("startedAt")]
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>When K_new became current (the propagation wait counts from here).</summary>
    [JsonPropertyName("promotedAt")]
    public DateTimeOffset? PromotedAt { get; init; }

    /// <summary>True once -OnNewToken has run for K_new.</summary>
    [JsonPropertyName("handedOff")]
    public bool HandedOff { get; init; }

    /// <summary>True once K_old is revoked.</summary>
    [JsonPropertyName("oldRevoked")]
    public bool OldRevoked { get; init; }

    /// <summary>The secret S this journal belongs to, exactly as named; another secret whose helper names collide is refused.</summary>
    [JsonPropertyName("secret")]
    public string? Secret { get; init; }

    /// <summary>True when no rotation is under way: the record keeps only what the last one did.</summary>
    [JsonPropertyName("idle")]
    public bool Idle { get; init; }

    /// <summary>For an idle record: how the last rotation ended (Done, RolledBack, Aborted).</summary>
    [JsonPropertyName("outcome")]
    public string? Outcome { get; init; }

    /// <summary>For an idle record: when the last rotation ended.</summary>
    [JsonPropertyName("completedAt")]
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>True when the rotation was started with -Stage Prepare: only -Stage Finish completes it.</summary>
    [JsonPropertyName("staged")]
    public bool Staged { get; init; }

    /// <summary>The idle record that replaces this journal when its rotation ends.</summary>
    public RotationJournal ToIdle(string outcome, DateTimeOffset at) => this with
    {
        Idle = true,
        HandedOff = false,
        Staged = false,
        Outcome = outcome,
        CompletedAt = at,
    };

    /// <summary>
    /// The idle record New-PplxToken -Vault writes beside a key it stored (outcome <see cref="MintedOutcome"/>): no rotation
    /// is under way, and the record names the key and when the API created it. What the record before it knew of the
    /// secret's last rotation is carried over.
    /// </summary>
    public static RotationJournal Minted(string secretName, string tokenName, string fingerprint, DateTimeOffset createdAt, RotationJournal? before, DateTimeOffset at) => new()
    {
        Kind = Marker,
        Idle = true,
        Outcome = MintedOutcome,
        Secret = secretName,
        TokenName = tokenName,
        NewFingerprint = fingerprint,
        NewCreatedAt = createdAt,
        LastRotatedAt = Inventory.KeyStandings.LastRotatedOf(before),
        StartedAt = at,
        CompletedAt = at,
    };

    /// <summary>The outcome of the idle record New-PplxToken -Vault writes.</summary>
    public const string MintedOutcome = "Minted";

    /// <summary>A marker so a user's own secret under the journal's name is never taken for one.</summary>
    [JsonPropertyName("kind")]
    public string Kind { get; init; } = string.Empty;

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
            return journal?.Kind == Marker && (journal.Idle || journal.RunId.Length > 0) ? journal : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
