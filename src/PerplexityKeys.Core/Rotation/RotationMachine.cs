using System.Collections.Generic;
using System.Linq;

namespace PerplexityKeys.Core.Rotation;

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
