using PerplexityKeys.Core.Inventory;
using PerplexityKeys.Core.Rotation;
using Xunit;

namespace PerplexityKeys.Core.Tests.Inventory;

/// <summary>
/// A key's age and its secret's rotation state from the journal alone: no vault, no HTTP, no clock. Fingerprints: A the
/// old key, B the new one, C a key set by hand. Times are days before "now".
/// </summary>
public sealed class KeyStandingsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private const string A = "pplx-…aaaa";
    private const string B = "pplx-…bbbb";
    private const string C = "pplx-…cccc";

    public enum Record
    {
        None,
        Minted,       // New-PplxToken -Vault stored B 30 days ago
        Done,         // a rotation A → B (B created 10 days ago, ended 9 days ago)
        OldDone,      // the same, written before newCreatedAt existed: the start (11 days ago) stands in
        RolledBack,   // A (created 50 days ago) kept, B revoked
        Prepared,     // -Stage Prepare: B current, A kept
        AtMinting,    // the journal names a mint, no key yet
        AtMinted,     // B pending, not current yet
        AtRevoked,    // A revoked, clean-up left
        StagedEarly,  // a Prepare run stopped before the promotion
    }

    [Theory]
    [InlineData(Record.None, B, null, null, KeyRotationStatus.Idle, null)]
    [InlineData(Record.Minted, B, 30.0, null, KeyRotationStatus.Idle, null)]
    [InlineData(Record.Minted, C, null, null, KeyRotationStatus.Idle, null)]
    [InlineData(Record.Done, B, 10.0, 9.0, KeyRotationStatus.Idle, null)]
    [InlineData(Record.Done, C, null, 9.0, KeyRotationStatus.Idle, null)]
    [InlineData(Record.OldDone, B, 11.0, 9.0, KeyRotationStatus.Idle, null)]
    [InlineData(Record.RolledBack, A, 50.0, 90.0, KeyRotationStatus.Idle, null)]
    [InlineData(Record.Prepared, B, 10.0, 90.0, KeyRotationStatus.Prepared, RotationState.Promoted)]
    [InlineData(Record.Prepared, C, null, 90.0, KeyRotationStatus.Interrupted, RotationState.Promoted)]
    [InlineData(Record.AtMinting, A, 50.0, null, KeyRotationStatus.Interrupted, RotationState.Minting)]
    [InlineData(Record.AtMinted, A, 50.0, null, KeyRotationStatus.Interrupted, RotationState.Minted)]
    [InlineData(Record.AtRevoked, B, 10.0, null, KeyRotationStatus.Interrupted, RotationState.Revoked)]
    [InlineData(Record.StagedEarly, A, 50.0, null, KeyRotationStatus.Interrupted, RotationState.Minted)]
    public void Of_ReadsAgeAndStateFromTheJournal_OnlyForTheKeyItRecords(
        Record record, string fingerprint, double? ageDays, double? lastRotatedDaysAgo, KeyRotationStatus status, RotationState? stoppedAt)
    {
        KeyStanding standing = KeyStandings.Of(fingerprint, Journal(record), Now);

        Assert.Equal(ageDays is null ? null : TimeSpan.FromDays(ageDays.Value), standing.Age);
        Assert.Equal(ageDays is null ? null : Now.AddDays(-ageDays.Value), standing.Created);
        Assert.Equal(lastRotatedDaysAgo is null ? null : Now.AddDays(-lastRotatedDaysAgo.Value), standing.LastRotated);
        Assert.Equal(status, standing.Status);
        Assert.Equal(stoppedAt, standing.StoppedAt);
    }

    [Fact]
    public void Of_AKeyCreatedAfterNow_IsZeroDaysOld_NeverNegative()
    {
        RotationJournal minted = RotationJournal.Minted("svc", "n", B, Now.AddMinutes(3), null, Now);

        Assert.Equal(TimeSpan.Zero, KeyStandings.Of(B, minted, Now).Age);
    }

    [Theory]
    [InlineData(10.0, 7.0, false, true)]
    [InlineData(7.0, 7.0, false, true)]
    [InlineData(6.9, 7.0, false, false)]
    [InlineData(null, 7.0, false, true)]
    [InlineData(null, 7.0, true, false)]
    [InlineData(10.0, 7.0, true, true)]
    public void IsDue_AtLeastMaxAge_OrUnknownUnlessSkipped(double? ageDays, double maxDays, bool skipUnknown, bool due) =>
        Assert.Equal(due, KeyStandings.IsDue(ageDays is null ? null : TimeSpan.FromDays(ageDays.Value), TimeSpan.FromDays(maxDays), skipUnknown));

    [Fact]
    public void Minted_IsAnIdleRecordOfTheSecret_ThatTheRotationReadsAsNoRotationUnderWay()
    {
        RotationJournal before = Journal(Record.Done)!;
        RotationJournal minted = RotationJournal.Minted("svc", "name", B, Now.AddDays(-1), before, Now);
        RotationJournal parsed = RotationJournal.TryParse(minted.ToJson())!;

        Assert.True(parsed.Idle);
        Assert.Equal("Minted", parsed.Outcome);
        Assert.Equal("svc", parsed.Secret);
        Assert.Equal(Now.AddDays(-1), parsed.NewCreatedAt);
        Assert.Equal(Now.AddDays(-9), parsed.LastRotatedAt);
    }

    private static RotationJournal? Journal(Record record)
    {
        var rotation = new RotationJournal
        {
            Kind = "PerplexityKeys.RotationJournal/1",
            RunId = "r1",
            Secret = "svc",
            OldFingerprint = A,
            OldCreatedAt = Now.AddDays(-50),
            LastRotatedAt = Now.AddDays(-90),
            StartedAt = Now.AddDays(-11),
        };
        RotationJournal minted = rotation with { NewFingerprint = B, NewCreatedAt = Now.AddDays(-10), LastRotatedAt = null };
        return record switch
        {
            Record.None => null,
            Record.Minted => RotationJournal.Minted("svc", "n", B, Now.AddDays(-30), null, Now.AddDays(-30)),
            Record.Done => (minted with { PromotedAt = Now.AddDays(-10), OldRevoked = true }).ToIdle("Done", Now.AddDays(-9)),
            Record.OldDone => (minted with { NewCreatedAt = null, OldRevoked = true }).ToIdle("Done", Now.AddDays(-9)),
            Record.RolledBack => minted.ToIdle("RolledBack", Now.AddDays(-10)) with { LastRotatedAt = Now.AddDays(-90) },
            Record.Prepared => minted with { Staged = true, PromotedAt = Now.AddDays(-10), LastRotatedAt = Now.AddDays(-90) },
            Record.AtMinting => rotation with { LastRotatedAt = null },
            Record.AtMinted => minted,
            Record.AtRevoked => minted with { PromotedAt = Now.AddDays(-10), OldRevoked = true },
            Record.StagedEarly => minted with { Staged = true },
            _ => throw new ArgumentOutOfRangeException(nameof(record)),
        };
    }
}
