using PerplexityKeys.Core.Rotation;

namespace PerplexityKeys.Core.Inventory;

/// <summary>
/// The age of a key and the state of its secret's rotation, from the journal alone (docs/rotation.md, "The journal as
/// the record of the key's age"). Pure: no vault, no clock of its own. The journal is the one record of a key's creation
/// time, in every kind of vault (vault metadata is a label for people, never read here); a creation time counts only for
/// the key whose fingerprint the journal names, so a key set by hand has an unknown age, never a wrong one.
/// </summary>
public static class KeyStandings
{
    /// <summary>What <paramref name="journal"/> says about the key whose fingerprint is <paramref name="fingerprint"/>, at <paramref name="now"/>.</summary>
    public static KeyStanding Of(string fingerprint, RotationJournal? journal, DateTimeOffset now)
    {
        DateTimeOffset? created = CreatedOf(fingerprint, journal);
        TimeSpan? age = created is { } at ? (now > at ? now - at : TimeSpan.Zero) : null;
        if (journal is null || journal.Idle)
        {
            return new KeyStanding(created, age, LastRotatedOf(journal), KeyRotationStatus.Idle, null);
        }

        RotationState stoppedAt = journal.NewFingerprint is null ? RotationState.Minting
            : journal.OldRevoked ? RotationState.Revoked
            : journal.PromotedAt is not null ? RotationState.Promoted
            : RotationState.Minted;
        bool prepared = journal.Staged && stoppedAt == RotationState.Promoted && journal.NewFingerprint == fingerprint;
        return new KeyStanding(created, age, LastRotatedOf(journal), prepared ? KeyRotationStatus.Prepared : KeyRotationStatus.Interrupted, stoppedAt);
    }

    /// <summary>
    /// When the API created the key <paramref name="fingerprint"/>, as <paramref name="journal"/> records it: its new key's
    /// creation time (for a journal written before that was recorded, the rotation's start, seconds before the mint), or
    /// its old key's when it knew it; null for any other key.
    /// </summary>
    public static DateTimeOffset? CreatedOf(string fingerprint, RotationJournal? journal) =>
        journal is null || string.IsNullOrEmpty(fingerprint) ? null
        : journal.NewFingerprint == fingerprint ? journal.NewCreatedAt ?? (journal.StartedAt == default ? null : journal.StartedAt)
        : journal.OldFingerprint == fingerprint ? journal.OldCreatedAt
        : null;

    /// <summary>When the secret's last rotation that ended Done completed, as <paramref name="journal"/> records it.</summary>
    public static DateTimeOffset? LastRotatedOf(RotationJournal? journal) =>
        journal is { Idle: true, Outcome: "Done", CompletedAt: { } done } ? done : journal?.LastRotatedAt;

    /// <summary>
    /// Whether a secret whose key is <paramref name="age"/> old is due for rotation under <paramref name="maxAge"/>: older
    /// than it, or of unknown age unless <paramref name="skipUnknownAge"/>.
    /// </summary>
    public static bool IsDue(TimeSpan? age, TimeSpan maxAge, bool skipUnknownAge) => age is { } known ? known >= maxAge : !skipUnknownAge;
}
