using PerplexityKeys.Core.Rotation;
using Xunit;

namespace PerplexityKeys.Core.Tests.Rotation;

/// <summary>The rotation table on its own: no HTTP, no vault.</summary>
public sealed class RotationMachineTests
{
    public static TheoryData<RotationState, RotationIntent> EveryStateAndIntent()
    {
        var data = new TheoryData<RotationState, RotationIntent>();
        foreach (RotationState state in Enum.GetValues<RotationState>())
        {
            foreach (RotationIntent intent in Enum.GetValues<RotationIntent>())
            {
                data.Add(state, intent);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryStateAndIntent))]
    public void EveryStateAndIntent_HasExactlyOneRowThatAlwaysApplies(RotationState state, RotationIntent intent)
    {
        Assert.Single(RotationMachine.Moves, m => m.From == state && m.Intent == intent && m.Guard == RotationGuard.None);
        Assert.Equal(state, RotationMachine.Next(state, intent, setByHand: false).From);
    }

    [Theory]
    [InlineData(RotationState.Start, RotationIntent.Rotate, false, RotationWork.Mint, RotationState.Minted)]
    [InlineData(RotationState.Start, RotationIntent.Finish, false, RotationWork.Report, RotationState.Start)]
    [InlineData(RotationState.Start, RotationIntent.Abort, false, RotationWork.Report, RotationState.Start)]
    [InlineData(RotationState.Minting, RotationIntent.Finish, false, RotationWork.ForgetLostMint, RotationState.Start)]
    [InlineData(RotationState.Minting, RotationIntent.Abort, false, RotationWork.ForgetLostMint, RotationState.Aborted)]
    [InlineData(RotationState.Minted, RotationIntent.Prepare, false, RotationWork.Promote, RotationState.Promoted)]
    [InlineData(RotationState.Minted, RotationIntent.Abort, false, RotationWork.DiscardPending, RotationState.Aborted)]
    [InlineData(RotationState.Promoted, RotationIntent.Abort, false, RotationWork.RefuseAbort, RotationState.Promoted)]
    [InlineData(RotationState.Propagating, RotationIntent.Prepare, false, RotationWork.HandOff, RotationState.Propagating)]
    [InlineData(RotationState.Propagating, RotationIntent.Rotate, false, RotationWork.Retire, RotationState.Revoked)]
    [InlineData(RotationState.Propagating, RotationIntent.Abort, false, RotationWork.RefuseAbort, RotationState.Propagating)]
    [InlineData(RotationState.Propagating, RotationIntent.Abort, true, RotationWork.Abandon, RotationState.Aborted)]
    [InlineData(RotationState.Revoked, RotationIntent.Prepare, false, RotationWork.CleanUp, RotationState.Done)]
    [InlineData(RotationState.Done, RotationIntent.Rotate, false, RotationWork.Report, RotationState.Done)]
    public void Next_DoesTheWorkOfItsRow_AndMovesWhereTheRowSays(RotationState state, RotationIntent intent, bool setByHand, RotationWork work, RotationState to)
    {
        RotationMove move = RotationMachine.Next(state, intent, setByHand);

        Assert.Equal(work, move.Work);
        Assert.Equal(to, move.To);
    }

    [Theory]
    [InlineData(RotationState.Start, RotationState.Minted, true)]
    [InlineData(RotationState.Start, RotationState.Minting, true)]
    [InlineData(RotationState.Start, RotationState.RolledBack, true)]
    [InlineData(RotationState.Minted, RotationState.Promoted, true)]
    [InlineData(RotationState.Promoted, RotationState.Propagating, true)]
    [InlineData(RotationState.Propagating, RotationState.Revoked, true)]
    [InlineData(RotationState.Revoked, RotationState.Done, true)]
    [InlineData(RotationState.Minted, RotationState.RolledBack, true)]
    [InlineData(RotationState.Start, RotationState.Revoked, false)]
    [InlineData(RotationState.Minted, RotationState.Revoked, false)]
    [InlineData(RotationState.Promoted, RotationState.Aborted, false)]
    [InlineData(RotationState.Done, RotationState.Start, false)]
    public void Move_AllowsOnlyWhatARowAllows(RotationState from, RotationState to, bool allowed)
    {
        Assert.Equal(allowed, RotationMachine.IsAllowed(from, to));
        if (!allowed)
        {
            Assert.Throws<InvalidOperationException>(() => RotationMachine.Move(from, to));
        }
    }
}
