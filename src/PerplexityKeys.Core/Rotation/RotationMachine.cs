using System.Collections.Generic;
using System.Linq;

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

/// <summary>When a row applies beyond its state and intent.</summary>
public enum RotationGuard
{
    /// <summary>Always.</summary>
    None,

    /// <summary>Only when, after the promotion, the secret holds neither the rotation's key nor the old one (set by hand).</summary>
    SetByHand,
}

/// <summary>One row of the rotation table.</summary>
/// <param name="From">The state the run is in.</param>
/// <param name="Intent">What the run was asked to do.</param>
/// <param name="Guard">When the row applies (rows with a guard are tried first).</param>
/// <param name="Work">What the run does.</param>
/// <param name="To">Where the run is when the work succeeds.</param>
/// <param name="OrElse">Where the work itself may move the run instead (a rollback, a lost mint); staying put on an error is always possible.</param>
public sealed record RotationMove(RotationState From, RotationIntent Intent, RotationGuard Guard, RotationWork Work, RotationState To, params RotationState[] OrElse);

/// <summary>
/// The rotation on one screen: for every state and intent, the work done and the next state. Every change of state a
/// run makes is a row's To or OrElse; anything else is a bug and throws.
/// </summary>
public static class RotationMachine
{
    private const RotationIntent Rotate = RotationIntent.Rotate, Prepare = RotationIntent.Prepare, Finish = RotationIntent.Finish, Abort = RotationIntent.Abort;
    private const RotationState Start = RotationState.Start, Minting = RotationState.Minting, Minted = RotationState.Minted, Promoted = RotationState.Promoted,
        Propagating = RotationState.Propagating, Revoked = RotationState.Revoked, Done = RotationState.Done, RolledBack = RotationState.RolledBack, Aborted = RotationState.Aborted;
    private const RotationGuard Always = RotationGuard.None, SetByHand = RotationGuard.SetByHand;

    /// <summary>The table.</summary>
    public static IReadOnlyList<RotationMove> Moves { get; } =
    [
        new(Start, Rotate, Always, RotationWork.Mint, Minted, Minting, RolledBack),
        new(Start, Prepare, Always, RotationWork.Mint, Minted, Minting, RolledBack),
        new(Start, Finish, Always, RotationWork.Report, Start),
        new(Start, Abort, Always, RotationWork.Report, Start),

        new(Minting, Rotate, Always, RotationWork.ForgetLostMint, Start),
        new(Minting, Prepare, Always, RotationWork.ForgetLostMint, Start),
        new(Minting, Finish, Always, RotationWork.ForgetLostMint, Start),
        new(Minting, Abort, Always, RotationWork.ForgetLostMint, Aborted),

        new(Minted, Rotate, Always, RotationWork.Promote, Promoted, RolledBack),
        new(Minted, Prepare, Always, RotationWork.Promote, Promoted, RolledBack),
        new(Minted, Finish, Always, RotationWork.Promote, Promoted, RolledBack),
        new(Minted, Abort, Always, RotationWork.DiscardPending, Aborted),

        new(Promoted, Rotate, Always, RotationWork.ClearPending, Propagating),
        new(Promoted, Prepare, Always, RotationWork.ClearPending, Propagating),
        new(Promoted, Finish, Always, RotationWork.ClearPending, Propagating),
        new(Promoted, Abort, Always, RotationWork.RefuseAbort, Promoted),

        new(Propagating, Rotate, Always, RotationWork.Retire, Revoked),
        new(Propagating, Prepare, Always, RotationWork.HandOff, Propagating),
        new(Propagating, Finish, Always, RotationWork.Retire, Revoked),
        new(Propagating, Abort, SetByHand, RotationWork.Abandon, Aborted),
        new(Propagating, Abort, Always, RotationWork.RefuseAbort, Propagating),

        new(Revoked, Rotate, Always, RotationWork.CleanUp, Done),
        new(Revoked, Prepare, Always, RotationWork.CleanUp, Done),
        new(Revoked, Finish, Always, RotationWork.CleanUp, Done),
        new(Revoked, Abort, SetByHand, RotationWork.Abandon, Aborted),
        new(Revoked, Abort, Always, RotationWork.RefuseAbort, Revoked),

        new(Done, Rotate, Always, RotationWork.Report, Done),
        new(Done, Prepare, Always, RotationWork.Report, Done),
        new(Done, Finish, Always, RotationWork.Report, Done),
        new(Done, Abort, Always, RotationWork.Report, Done),
        new(RolledBack, Rotate, Always, RotationWork.Report, RolledBack),
        new(RolledBack, Prepare, Always, RotationWork.Report, RolledBack),
        new(RolledBack, Finish, Always, RotationWork.Report, RolledBack),
        new(RolledBack, Abort, Always, RotationWork.Report, RolledBack),
        new(Aborted, Rotate, Always, RotationWork.Report, Aborted),
        new(Aborted, Prepare, Always, RotationWork.Report, Aborted),
        new(Aborted, Finish, Always, RotationWork.Report, Aborted),
        new(Aborted, Abort, Always, RotationWork.Report, Aborted),
    ];

    /// <summary>The row for <paramref name="state"/> and <paramref name="intent"/>; a guarded row wins when its guard holds.</summary>
    public static RotationMove Next(RotationState state, RotationIntent intent, bool setByHand) =>
        Moves.First(m => m.From == state && m.Intent == intent && (m.Guard == Always || (m.Guard == SetByHand && setByHand)));

    /// <summary>True when some row lets a run move from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static bool IsAllowed(RotationState from, RotationState to) =>
        from != to && Moves.Any(m => m.From == from && (m.To == to || m.OrElse.Contains(to)));

    /// <summary>Returns <paramref name="to"/>, or throws when no row allows the move.</summary>
    public static RotationState Move(RotationState from, RotationState to) =>
        IsAllowed(from, to) ? to : throw new System.InvalidOperationException($"Illegal rotation transition {from} -> {to}.");
}
