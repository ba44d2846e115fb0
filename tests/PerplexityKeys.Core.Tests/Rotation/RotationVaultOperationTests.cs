using PerplexityKeys.Core.Model;
using PerplexityKeys.Core.Rotation;
using PerplexityKeys.Core.Tests.Support;
using PerplexityKeys.Core.Vault;
using PerplexityKeys.Emulator;
using Xunit;

namespace PerplexityKeys.Core.Tests.Rotation;

/// <summary>
/// How many vault operations each kind of run makes (docs/rotation.md, "Vault operations"): the count the result reports
/// is the count the vault saw, and each scenario's count is pinned, so an operation added or removed is a decision.
/// </summary>
[Collection("RotationLock")]
public sealed class RotationVaultOperationTests
{
    private const string Secret = "svc";

    public static TheoryData<string, int, int, int> Scenarios => new()
    {
        // scenario, reads, writes, metadata writes. Before the pending helper's metadata was dropped (it repeated the
        // journal): Rotate 12/10/2, Prepare 9/7/2, the two rollbacks 5/5/1 and 9/9/1; the others unchanged.
        { "Rotate", 13, 10, 1 },
        { "RotateInAVaultWithoutMetadata", 13, 10, 1 },
        { "Prepare", 10, 7, 1 },
        { "Finish", 7, 3, 0 },
        { "ResumeAfterTheProbeWasInterrupted", 12, 7, 1 },
        { "RollBackWhenTheNewKeyFailsItsProbe", 5, 5, 0 },
        { "RollBackWhenTheSecretCannotBeWritten", 9, 9, 0 },
        { "AbortBeforePromotion", 4, 2, 0 },
    };

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task EachKindOfRun_MakesExactlyItsPinnedVaultOperations_AndReportsThem(string scenario, int reads, int writes, int metadataWrites)
    {
        await using var rig = await EmulatorRig.StartAsync();
        var vault = new InMemoryVault();
        await vault.SetKeyAsync(Secret, await rig.NewKeyAsync("svc-original"), CancellationToken.None);
        var engine = new RotationEngine(rig.Client, vault, rig.Time);

        (RotationResult result, int seen) = await MeasureAsync(scenario, rig, vault, engine);

        Assert.Equal(seen, result.VaultOperations.Total);
        Assert.Equal(0, result.VaultOperations.Removes);
        Assert.Equal((reads, writes, metadataWrites), (result.VaultOperations.Reads, result.VaultOperations.Writes, result.VaultOperations.MetadataWrites));
        Assert.Null(result.VaultOperations.BackendCalls);   // this vault does not say what its operations cost
    }

    [Fact]
    public async Task Rotate_InAVaultThatReportsItsCalls_ReportsWhatItsOperationsCost()
    {
        await using var rig = await EmulatorRig.StartAsync();
        var store = new InMemoryVault();
        await store.SetKeyAsync(Secret, await rig.NewKeyAsync("svc-original"), CancellationToken.None);
        var vault = new MeteredVault(store, Secret);

        RotationResult result = await new RotationEngine(rig.Client, vault, rig.Time).RunAsync(Request(RotationIntent.Rotate), CancellationToken.None);

        Assert.Equal(RotationState.Done, result.State);
        Assert.Equal(24, result.VaultOperations.Total);
        Assert.Equal(25, result.VaultOperations.BackendCalls);   // one more for the one write of S
        Assert.Equal(vault.BackendCalls, result.VaultOperations.BackendCalls);
    }

    /// <summary>Sets the scenario up, then runs the run it measures; returns its result and the operations the vault saw during it.</summary>
    private static async Task<(RotationResult Result, int Seen)> MeasureAsync(string scenario, EmulatorRig rig, InMemoryVault vault, RotationEngine engine)
    {
        RotationRequest request = Request(RotationIntent.Rotate);
        switch (scenario)
        {
            case "RotateInAVaultWithoutMetadata":
                vault.NoMetadata = true;
                break;
            case "Prepare":
                request = Request(RotationIntent.Prepare);
                break;
            case "Finish":
                await engine.RunAsync(Request(RotationIntent.Prepare), CancellationToken.None);
                request = Request(RotationIntent.Finish);
                break;
            case "ResumeAfterTheProbeWasInterrupted":
            case "AbortBeforePromotion":
                rig.Fault(new Fault { Status = 503, Path = "/v1/models", Count = 10 });
                await Assert.ThrowsAsync<PplxRotationException>(() => engine.RunAsync(request, CancellationToken.None));
                rig.Host.State.ClearFaults();
                request = scenario == "AbortBeforePromotion" ? Request(RotationIntent.Abort) : request;
                break;
            case "RollBackWhenTheNewKeyFailsItsProbe":
                rig.Fault(new Fault { Status = 401, Path = "/v1/models" });
                break;
            case "RollBackWhenTheSecretCannotBeWritten":
                vault.FailNextSet.Add(Secret);
                break;
        }

        int before = vault.Operations;
        RotationResult result;
        try
        {
            result = await engine.RunAsync(request, CancellationToken.None);
        }
        catch (PplxRotationException e) when (e.Reason == RotationFailure.RolledBack)
        {
            result = e.Result;
        }

        Assert.True(result.State is RotationState.Done or RotationState.Propagating or RotationState.RolledBack or RotationState.Aborted, $"{scenario}: {result.State}");
        return (result, vault.Operations - before);
    }

    private static RotationRequest Request(RotationIntent intent) => new() { SecretName = Secret, Intent = intent };
}
