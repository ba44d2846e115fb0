using PerplexityKeys.Core.Api;
using PerplexityKeys.Core.Minting;
using PerplexityKeys.Core.Model;
using PerplexityKeys.Core.Vault;
using PerplexityKeys.Core.Tests.Support;
using PerplexityKeys.Emulator;
using Xunit;

namespace PerplexityKeys.Core.Tests.Minting;

/// <summary>Minting straight into a vault, without PowerShell: the emulator and an in-memory vault.</summary>
public sealed class VaultMintTests
{
    private const string Secret = "svc-key";

    [Fact]
    public async Task Mint_StoresTheNewKey_WithItsMetadata()
    {
        await using var rig = await EmulatorRig.StartAsync();
        var vault = new InMemoryVault();

        VaultMintResult result = await new VaultMint(rig.Client, vault).MintAsync(Secret, "svc", rig.Admin, null, CancellationToken.None);

        Assert.Equal(VaultMintOutcome.Stored, result.Outcome);
        Assert.Equal(result.Minted.Key, vault.Peek(Secret));
        Assert.True(result.MetadataKept);
        Assert.Equal(result.Minted.Key.Fingerprint, vault.Metadata[Secret]["PplxFingerprint"]);
        Assert.Equal("svc", vault.Metadata[Secret]["PplxTokenName"]);
        Assert.False(rig.KeyByFingerprint(result.Minted.Key.Fingerprint)!.Revoked);
    }

    [Fact]
    public async Task Mint_WhenTheWriteFails_RevokesTheNewKey_AndProvesItGone()
    {
        await using var rig = await EmulatorRig.StartAsync();
        var vault = new InMemoryVault();
        vault.FailNextSet.Add(Secret);

        VaultMintResult result = await new VaultMint(rig.Client, vault).MintAsync(Secret, "svc", rig.Admin, null, CancellationToken.None);

        Assert.Equal(VaultMintOutcome.StoreFailed, result.Outcome);
        Assert.IsType<PplxVaultOperationException>(result.StoreFailure);
        Assert.Null(result.StillLive);
        Assert.True(rig.KeyByFingerprint(result.Minted.Key.Fingerprint)!.Revoked);
        Assert.Null(vault.Peek(Secret));
    }

    [Fact]
    public async Task Mint_WhenTheWriteFailsAndTheRevokeFails_NamesTheKeyAsStillLive()
    {
        await using var rig = await EmulatorRig.StartAsync();
        var vault = new InMemoryVault();
        vault.FailNextSet.Add(Secret);
        rig.Fault(new Fault { Status = 500, Path = "/revoke_auth_token", Count = 10 });

        VaultMintResult result = await new VaultMint(rig.Client, vault).MintAsync(Secret, "svc", rig.Admin, null, CancellationToken.None);

        Assert.Equal(VaultMintOutcome.StoreFailed, result.Outcome);
        Assert.Contains(result.Minted.Key.Fingerprint, result.StillLive, StringComparison.Ordinal);
        Assert.False(rig.KeyByFingerprint(result.Minted.Key.Fingerprint)!.Revoked);
    }

    [Fact]
    public async Task Mint_WhenTheWriteTimesOut_KeepsTheKeyLive_BecauseTheWriteMayStillLand()
    {
        await using var rig = await EmulatorRig.StartAsync();
        var vault = new InMemoryVault();
        vault.TimeOutNextSet.Add(Secret);

        VaultMintResult result = await new VaultMint(rig.Client, vault).MintAsync(Secret, "svc", rig.Admin, null, CancellationToken.None);

        Assert.Equal(VaultMintOutcome.StoreUnknown, result.Outcome);
        Assert.Empty(rig.Requests("/revoke_auth_token"));
        Assert.False(rig.KeyByFingerprint(result.Minted.Key.Fingerprint)!.Revoked);
        Assert.Equal(result.Minted.Key, vault.Peek(Secret));
        Assert.Contains("was not revoked", result.StoreFailure!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mint_WhenTheMintFails_Throws_AndTouchesNoVault()
    {
        await using var rig = await EmulatorRig.StartAsync();
        var vault = new InMemoryVault();
        rig.Fault(new Fault { Status = 401, Path = "/generate_auth_token" });

        await Assert.ThrowsAsync<PplxUnauthorizedException>(() => new VaultMint(rig.Client, vault).MintAsync(Secret, "svc", rig.Admin, null, CancellationToken.None));

        Assert.Equal(0, vault.Operations);
    }

    [Fact]
    public async Task Mint_RecordsTheKeyAndItsCreationTime_InAnIdleJournal()
    {
        await using var rig = await EmulatorRig.StartAsync();
        var vault = new InMemoryVault();

        VaultMintResult result = await new VaultMint(rig.Client, vault).MintAsync(Secret, "svc", rig.Admin, null, CancellationToken.None);

        PerplexityKeys.Core.Rotation.RotationJournal record = PerplexityKeys.Core.Rotation.RotationJournal.TryParse(vault.Raw(JournalName) as string)!;
        Assert.Null(result.JournalSkipped);
        Assert.True(record.Idle);
        Assert.Equal("Minted", record.Outcome);
        Assert.Equal(Secret, record.Secret);
        Assert.Equal(result.Minted.Key.Fingerprint, record.NewFingerprint);
        Assert.Equal(result.Minted.CreatedAt, record.NewCreatedAt);
    }

    [Theory]
    [InlineData("not a journal")]
    [InlineData("{\"kind\":\"PerplexityKeys.RotationJournal/1\",\"runId\":\"r1\",\"secret\":\"svc-key\",\"oldFingerprint\":\"pplx-…aaaa\"}")]
    [InlineData("{\"kind\":\"PerplexityKeys.RotationJournal/1\",\"idle\":true,\"secret\":\"svc.key\"}")]
    public async Task Mint_LeavesAJournalThatIsNotFreeToWrite_AndSaysWhy(string journal)
    {
        await using var rig = await EmulatorRig.StartAsync();
        var vault = new InMemoryVault();
        vault.Put(JournalName, journal);

        VaultMintResult result = await new VaultMint(rig.Client, vault).MintAsync(Secret, "svc", rig.Admin, null, CancellationToken.None);

        Assert.Equal(VaultMintOutcome.Stored, result.Outcome);
        Assert.NotNull(result.JournalSkipped);
        Assert.Equal(journal, vault.Raw(JournalName));
    }

    private static readonly string JournalName = PerplexityKeys.Core.Rotation.SiblingNames.Of(Secret, PerplexityKeys.Core.Rotation.SiblingNames.JournalSuffix);

    [Fact]
    public async Task Mint_WhenAWriteReportsFailureButLanded_KeepsTheKey_AsStored()
    {
        await using var rig = await EmulatorRig.StartAsync();
        var vault = new InMemoryVault();
        vault.LandThenFailNextSet.Add(Secret);

        VaultMintResult result = await new VaultMint(rig.Client, vault).MintAsync(Secret, "svc", rig.Admin, null, CancellationToken.None);

        Assert.Equal(VaultMintOutcome.Stored, result.Outcome);
        Assert.Equal(result.Minted.Key, vault.Peek(Secret));
        Assert.Empty(rig.Requests("/revoke_auth_token"));
        Assert.False(rig.KeyByFingerprint(result.Minted.Key.Fingerprint)!.Revoked);
    }

    [Fact]
    public async Task Mint_WhenTheWriteFailsAndTheSecretCannotBeReadBack_KeepsTheKeyLive_AndNamesIt()
    {
        await using var rig = await EmulatorRig.StartAsync();
        var vault = new InMemoryVault();
        vault.FailNextSet.Add(Secret);
        vault.BeforeRead = name => throw new PplxVaultOperationException("The vault stopped answering.", vault.Name, name);

        VaultMintResult result = await new VaultMint(rig.Client, vault).MintAsync(Secret, "svc", rig.Admin, null, CancellationToken.None);

        Assert.Equal(VaultMintOutcome.StoreUnknown, result.Outcome);
        Assert.Empty(rig.Requests("/revoke_auth_token"));
        Assert.Contains("was not revoked", result.StoreFailure!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mint_CancelledOnceTheKeyIsMinted_AsksNoVault_AndLeavesTheKeyLiveToTheCaller()
    {
        using var stop = new CancellationTokenSource();
        await using var rig = await EmulatorRig.StartAsync(configure: o => new PplxClientOptions { BaseUri = o.BaseUri, TimeProvider = o.TimeProvider, Handler = new CancelAfterMintHandler(stop) });
        var vault = new InMemoryVault();
        vault.BeforeWrite = name => throw new InvalidOperationException($"The vault was asked to write '{name}'.");

        VaultMintResult result = await new VaultMint(rig.Client, vault).MintAsync(Secret, "svc", rig.Admin, null, stop.Token);

        Assert.Equal(VaultMintOutcome.NotStored, result.Outcome);
        Assert.Null(vault.Peek(Secret));
        Assert.False(rig.KeyByFingerprint(result.Minted.Key.Fingerprint)!.Revoked); // the caller decides: it alone has the key
    }

    [Fact]
    public async Task Mint_StoppedWhileTheWriteRuns_KeepsTheKeyLive_AndNamesIt_BecauseTheWriteMayHaveLanded()
    {
        await using var rig = await EmulatorRig.StartAsync();
        using var stop = new CancellationTokenSource();
        var vault = new InMemoryVault();
        vault.BeforeWrite = _ =>
        {
            // As SecretManagement's command does when the pipeline stops under it: an error that is no vault error.
            stop.Cancel();
            throw new InvalidOperationException("The pipeline has been stopped.");
        };

        VaultMintResult result = await new VaultMint(rig.Client, vault).MintAsync(Secret, "svc", rig.Admin, null, stop.Token);

        Assert.Equal(VaultMintOutcome.StoreUnknown, result.Outcome);
        Assert.Empty(rig.Requests("/revoke_auth_token"));
        Assert.False(rig.KeyByFingerprint(result.Minted.Key.Fingerprint)!.Revoked);
        Assert.Contains(result.Minted.Key.Fingerprint, result.StillLive, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mint_WhoseWriteWasCancelledBeforeItStarted_LeavesTheKeyToTheCaller_AsNotStored()
    {
        await using var rig = await EmulatorRig.StartAsync();
        var vault = new InMemoryVault();
        vault.BeforeWrite = _ => throw new VaultCallNotStartedException();

        VaultMintResult result = await new VaultMint(rig.Client, vault).MintAsync(Secret, "svc", rig.Admin, null, CancellationToken.None);

        Assert.Equal(VaultMintOutcome.NotStored, result.Outcome);
        Assert.Empty(rig.Requests("/revoke_auth_token")); // the caller disposes of it
    }
}
