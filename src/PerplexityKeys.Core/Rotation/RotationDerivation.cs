
namespace PerplexityKeys.Core.Rotation;

/// <summary>
/// Which state a <see cref="RotationSnapshot"/> means. Pure: it reads the snapshot and nothing else, and reports
/// nothing; the run reports what the state leaves unkept (docs/rotation.md, "Reading the state").
/// </summary>
internal static class RotationDerivation
{
    public static RotationState Derive(RotationSnapshot vault)
    {
        if (vault.Journal is not { } journal)
        {
            return RotationState.Start;
        }

        if (vault.Pending is { } pending)
        {
            return pending.Equals(vault.Current) ? RotationState.Promoted : RotationState.Minted;
        }

        if (vault.Previous is { } previous)
        {
            return previous.Equals(vault.Current) ? RotationState.Start
                : journal.OldRevoked ? RotationState.Revoked
                : RotationState.Propagating;
        }

        if (journal.NewFingerprint is null)
        {
            return RotationState.Minting;
        }

        // Only the journal is left: the run finished all but its last step, or it was undone (or died before storing
        // its pending key: then the key may live on under the token name, and the run reports it).
        return journal.NewFingerprint == vault.Current.Fingerprint && journal.OldRevoked ? RotationState.Revoked : RotationState.Start;
    }

    /// <summary>
    /// After the promotion, S holds neither the rotation's key nor the old one: someone set a third key by hand. Either
    /// key may still be in use somewhere, so neither is revoked for it; the run retires the old key as planned (S holds
    /// a working key that is not it) and reports its own.
    /// </summary>
    public static bool SetOutsideTheRotation(RotationState state, RotationJournal? journal, ApiKey current) =>
        state is RotationState.Propagating or RotationState.Revoked && journal?.NewFingerprint is { } made && made != current.Fingerprint;
}
