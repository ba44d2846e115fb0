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
