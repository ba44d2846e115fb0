using PerplexityKeys.Core.Inventory;
using PerplexityKeys.Core.Minting;
using PerplexityKeys.Core.Model;
using PerplexityKeys.Core.Rotation;
using PerplexityKeys.Core.Tests.Support;
using Xunit;

namespace PerplexityKeys.Core.Tests.Rotation;

/// <summary>MaxAge: only keys at least that old (by the journal) are rotated; a rotation under way is always carried on.</summary>
[Collection("RotationLock")]
public sealed class RotationMaxAgeTests
{
    private const string Secret = "svc";
    private static readonly string Journal = SiblingNames.Of(Secret, SiblingNames.JournalSuffix);

    [Theory]
    [InlineData(10, 30, false)]
    [InlineData(10, 7, true)]
    public async Task MaxAge_RotatesOnlyAKeyAtLeastThatOld_AndReportsTheOthersAsNotDue(int ageDays, int maxAgeDays, bool rotated)
    {
        await using var rig = await EmulatorRig.StartAsync();
        (InMemoryVault vault, ApiKey old) = await MintedAsync(rig, ageDays);

        RotationResult result = await Engine(rig, vault).RunAsync(Request(TimeSpan.FromDays(maxAgeDays)), CancellationToken.None);

        Assert.Equal(!rotated, result.NotDue);
        Assert.Equal(rotated ? RotationState.Done : RotationState.Start, result.State);
        Assert.Equal(TimeSpan.FromDays(ageDays).TotalDays, result.Age!.Value.TotalDays, 2);
        Assert.Equal(rotated, !old.Equals(vault.Peek(Secret)));
        Assert.Equal(rotated ? 1 : 0, rig.Requests("/generate_auth_token").Count(r => r.Fingerprint == old.Fingerprint));
    }

    [Fact]
    public async Task Rotation_RecordsTheNewKeysCreationTime_AndCarriesTheOldKeysOver()
    {
        await using var rig = await EmulatorRig.StartAsync();
        (InMemoryVault vault, ApiKey old) = await MintedAsync(rig, 40);
        long oldCreated = rig.KeyByFingerprint(old.Fingerprint)!.CreatedAt.ToUnixTimeSeconds(); // the API answers in whole seconds

        await Engine(rig, vault).RunAsync(new RotationRequest { SecretName = Secret }, CancellationToken.None);

        ApiKey current = vault.Peek(Secret)!;
        RotationJournal record = RotationJournal.TryParse(vault.Raw(Journal) as string)!;
        Assert.Equal(rig.KeyByFingerprint(current.Fingerprint)!.CreatedAt.ToUnixTimeSeconds(), record.NewCreatedAt!.Value.ToUnixTimeSeconds());
        Assert.Equal(oldCreated, record.OldCreatedAt!.Value.ToUnixTimeSeconds());
        KeyStanding standing = KeyStandings.Of(current.Fingerprint, record, rig.Time.GetUtcNow());
        Assert.Equal(record.CompletedAt, standing.LastRotated);
        Assert.True(standing.Age < TimeSpan.FromMinutes(1));
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public async Task UnknownAge_IsRotated_UnlessSkipUnknownAge(bool skipUnknownAge, bool rotated)
    {
        await using var rig = await EmulatorRig.StartAsync();
        var vault = new InMemoryVault();
        ApiKey byHand = await rig.NewKeyAsync("set by hand");
        vault.Put(Secret, byHand);

        RotationResult result = await Engine(rig, vault).RunAsync(Request(TimeSpan.FromDays(1), skipUnknownAge), CancellationToken.None);

        Assert.Null(result.Age);
        Assert.Equal(!rotated, result.NotDue);
        Assert.Equal(rotated, !byHand.Equals(vault.Peek(Secret)));
    }

    [Fact]
    public async Task MaxAge_NeverHoldsBackARotationUnderWay()
    {
        await using var rig = await EmulatorRig.StartAsync();
        (InMemoryVault vault, _) = await MintedAsync(rig, 1);
        RotationEngine engine = Engine(rig, vault);
        await engine.RunAsync(new RotationRequest { SecretName = Secret, Intent = RotationIntent.Prepare }, CancellationToken.None);

        RotationResult finished = await engine.RunAsync(new RotationRequest { SecretName = Secret, Intent = RotationIntent.Finish, MaxAge = TimeSpan.FromDays(365) }, CancellationToken.None);

        Assert.False(finished.NotDue);
        Assert.Equal(RotationState.Done, finished.State);
    }

    private static RotationRequest Request(TimeSpan maxAge, bool skipUnknownAge = false) =>
        new() { SecretName = Secret, MaxAge = maxAge, SkipUnknownAge = skipUnknownAge };

    private static RotationEngine Engine(EmulatorRig rig, InMemoryVault vault) => new(rig.Client, vault, rig.Time);

    /// <summary>A key minted into the vault (New-PplxToken -Vault's core) by an emulator that dates it <paramref name="ageDays"/> back.</summary>
    private static async Task<(InMemoryVault Vault, ApiKey Key)> MintedAsync(EmulatorRig rig, int ageDays)
    {
        var vault = new InMemoryVault();
        rig.Configure(c => c.MintAgeSeconds = ageDays * 86400L);
        VaultMintResult minted = await new VaultMint(rig.Client, vault, rig.Time).MintAsync(Secret, "svc", rig.Admin, null, CancellationToken.None);
        rig.Configure(c => c.MintAgeSeconds = 0);
        Assert.Null(minted.JournalSkipped);
        return (vault, minted.Minted.Key);
    }
}
