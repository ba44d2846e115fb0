using PerplexityKeys.Core.Model;
using PerplexityKeys.Core.Rotation;
using Xunit;

namespace PerplexityKeys.Core.Tests.Rotation;

/// <summary>Which state a vault snapshot means, on its own: no HTTP, no vault. Keys: A the old one, B the new one, C a third.</summary>
public sealed class RotationDerivationTests
{
    private static readonly Dictionary<char, ApiKey> Keys = new()
    {
        ['A'] = ApiKey.Create("pplx-" + new string('a', 48)),
        ['B'] = ApiKey.Create("pplx-" + new string('b', 48)),
        ['C'] = ApiKey.Create("pplx-" + new string('c', 48)),
    };

    [Theory]
    // No journal: nothing is under way, whatever S holds.
    [InlineData('A', null, null, false, null, false, RotationState.Start)]
    // The journal names a mint whose answer has not been kept.
    [InlineData('A', null, null, true, null, false, RotationState.Minting)]
    [InlineData('A', 'B', null, true, 'B', false, RotationState.Minted)]
    [InlineData('B', 'B', 'A', true, 'B', false, RotationState.Promoted)]
    [InlineData('B', null, 'A', true, 'B', false, RotationState.Propagating)]
    [InlineData('B', null, 'A', true, 'B', true, RotationState.Revoked)]
    // Only the journal left after the old key was revoked: all but the last step is done.
    [InlineData('B', null, null, true, 'B', true, RotationState.Revoked)]
    // S was put back to the key the previous helper holds: nothing left to guard.
    [InlineData('A', null, 'A', true, 'B', false, RotationState.Start)]
    // Only the journal left, and S does not hold its new key (undone, or the pending key was never stored).
    [InlineData('A', null, null, true, 'B', false, RotationState.Start)]
    [InlineData('B', null, null, true, 'B', false, RotationState.Start)]
    // A third key set by hand after the promotion: still propagating; the run sees it was set outside.
    [InlineData('C', null, 'A', true, 'B', false, RotationState.Propagating)]
    public void Derive_NamesTheStateTheVaultHolds(char current, char? pending, char? previous, bool journal, char? journalNew, bool oldRevoked, RotationState expected)
    {
        RotationSnapshot snapshot = Snapshot(current, pending, previous, journal, journalNew, oldRevoked);

        Assert.Equal(expected, RotationDerivation.Derive(snapshot));
    }

    [Fact]
    public void Derive_ChangesNothing_TheSnapshotIsTheSameAfterwards()
    {
        RotationSnapshot snapshot = Snapshot('A', null, null, true, 'B', false);
        RotationSnapshot copy = snapshot with { };

        RotationDerivation.Derive(snapshot);

        Assert.Equal(copy, snapshot);
        Assert.Equal(copy.Journal!.ToJson(), snapshot.Journal!.ToJson());
    }

    [Theory]
    [InlineData(RotationState.Propagating, 'C', true)]
    [InlineData(RotationState.Revoked, 'C', true)]
    [InlineData(RotationState.Propagating, 'B', false)]
    [InlineData(RotationState.Minted, 'C', false)]
    [InlineData(RotationState.Promoted, 'C', false)]
    public void SetOutsideTheRotation_OnlyWhenSHoldsAnotherKeyAfterThePromotion(RotationState state, char current, bool expected)
    {
        RotationJournal journal = Journal('B', oldRevoked: false);

        Assert.Equal(expected, RotationDerivation.SetOutsideTheRotation(state, journal, Keys[current]));
    }

    private static RotationSnapshot Snapshot(char current, char? pending, char? previous, bool journal, char? journalNew, bool oldRevoked) => new(
        Keys[current],
        pending is { } p ? Keys[p] : null,
        previous is { } q ? Keys[q] : null,
        journal ? Journal(journalNew, oldRevoked) : null);

    private static RotationJournal Journal(char? newKey, bool oldRevoked) => new()
    {
        Kind = "PerplexityKeys.RotationJournal/1",
        RunId = "run00001",
        TokenName = "vault/secret/run00001",
        Secret = "secret",
        OldFingerprint = Keys['A'].Fingerprint,
        NewFingerprint = newKey is { } n ? Keys[n].Fingerprint : null,
        OldRevoked = oldRevoked,
    };
}
