namespace PerplexityKeys.Core.Rotation;

/// <summary>The work a run does in one state (RotationRun.*.cs); docs/rotation.md describes each.</summary>
public enum RotationWork
{
    /// <summary>Nothing left for this intent: report where the rotation stands.</summary>
    Report,

    /// <summary>An earlier run died while minting: report its token name (the key may exist), idle the journal.</summary>
    ForgetLostMint,

    /// <summary>Journal the intent, mint, keep the new key as pending and read it back.</summary>
    Mint,

    /// <summary>Probe the new key, keep the old one as previous, make the new key current and read it back.</summary>
    Promote,

    /// <summary>Set the pending helper idle.</summary>
    ClearPending,

    /// <summary>Hand the new key off (-OnNewToken), then stop: the rotation stays prepared until -Stage Finish.</summary>
    HandOff,

    /// <summary>Hand off, wait out the propagation delay, probe the new key, revoke the old one and prove it revoked.</summary>
    Retire,

    /// <summary>Set the previous helper and the journal idle.</summary>
    CleanUp,

    /// <summary>-Abort before promotion: revoke the pending key, set the helpers idle.</summary>
    DiscardPending,

    /// <summary>-Abort after the secret was set by hand: set the helpers idle, revoke nothing, report the unkept keys.</summary>
    Abandon,

    /// <summary>-Abort once the new key is current: refused (it would revoke a key in use).</summary>
    RefuseAbort,
}
