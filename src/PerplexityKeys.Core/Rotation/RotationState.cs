using System.Collections.Generic;

namespace PerplexityKeys.Core.Rotation;

/// <summary>Where a rotation stands. Read from the vault every time (S = the secret, P = pending, Q = previous, J = journal).</summary>
public enum RotationState
{
    /// <summary>S holds K_old; no sibling secrets. Next: mint.</summary>
    Start,

    /// <summary>J names a mint in flight but no P exists: the key may exist under J's token name. Next: report it, start again.</summary>
    Minting,

    /// <summary>S = K_old, P = K_new. Next: probe K_new, keep K_old as Q, write S = K_new.</summary>
    Minted,

    /// <summary>S = K_new = P (Q = K_old). Next: remove P.</summary>
    Promoted,

    /// <summary>S = K_new, Q = K_old, no P. `-Stage Prepare` stops here. Next: hand off, wait, probe K_new, revoke K_old.</summary>
    Propagating,

    /// <summary>K_old is revoked; Q still holds it. Next: remove Q.</summary>
    Revoked,

    /// <summary>S = K_new only. Nothing left to do.</summary>
    Done,

    /// <summary>The new key failed or could not be kept: S holds K_old again, K_new is revoked, siblings removed.</summary>
    RolledBack,

    /// <summary>-Abort: the pending key is revoked, siblings made idle, S untouched. After S was set outside the rotation
    /// (a third key, by hand): nothing is revoked, the keys the rotation leaves unkept are reported.</summary>
    Aborted,
}

/// <summary>The legal transitions, in one place. Anything else is a bug and throws.</summary>
public static class RotationTransitions
{
    private static readonly HashSet<(RotationState From, RotationState To)> Allowed =
    [
        (RotationState.Start, RotationState.Minted),
        (RotationState.Minting, RotationState.Start),
        (RotationState.Minting, RotationState.Aborted),
        (RotationState.Minted, RotationState.Promoted),
        (RotationState.Minted, RotationState.RolledBack),
        (RotationState.Minted, RotationState.Aborted),
        (RotationState.Promoted, RotationState.Propagating),
        (RotationState.Propagating, RotationState.Revoked),
        (RotationState.Propagating, RotationState.Aborted),   // only when the secret was set outside the rotation
        (RotationState.Revoked, RotationState.Done),
        (RotationState.Revoked, RotationState.Aborted),       // likewise
    ];

    /// <summary>True when <paramref name="from"/> may move to <paramref name="to"/>.</summary>
    public static bool IsAllowed(RotationState from, RotationState to) => Allowed.Contains((from, to));

    /// <summary>Returns <paramref name="to"/>, or throws when the move is illegal.</summary>
    public static RotationState Move(RotationState from, RotationState to) =>
        IsAllowed(from, to) ? to : throw new System.InvalidOperationException($"Illegal rotation transition {from} -> {to}.");
}
