using PerplexityKeys.Core;
using PerplexityKeys.Core.Model;
using PerplexityKeys.Core.Rotation;
using Xunit;

namespace PerplexityKeys.Tests;

/// <summary>-CiVariable: names are checked and the system found before anything changes; one variable, one key.</summary>
public sealed class CiVariableHandOnTests
{
    private readonly List<string> _lines = [];

    [Theory]
    [InlineData("PPLX_KEY")]
    [InlineData("pplx.billing-key")]
    [InlineData("_1")]
    public void For_TakesLettersDigitsUnderscoreDotAndDash(string name) =>
        Assert.Equal(name, CiVariableHandOn.For(name, Log(CiSystem.AzurePipelines))!.Name);

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("a;issecret=false")]
    [InlineData("a]b")]
    [InlineData("a\nb")]
    [InlineData("a:b")]
    [InlineData("$(x)")]
    public void For_RefusesOtherNames_AsCiVariableInvalid(string name) =>
        AssertRefused(() => CiVariableHandOn.For(name, Log(CiSystem.GitHubActions)), "CiVariableInvalid");

    [Fact]
    public void For_RefusesALongName() =>
        AssertRefused(() => CiVariableHandOn.For(new string('a', CiVariableHandOn.MaxNameLength + 1), Log(CiSystem.AzurePipelines)), "CiVariableInvalid");

    [Theory]
    [InlineData("secretKey")]
    [InlineData("ENDPOINT_X")]
    [InlineData("Path.x")]
    public void For_RefusesThePrefixesAzurePipelinesReserves_OnlyThere(string name)
    {
        AssertRefused(() => CiVariableHandOn.For(name, Log(CiSystem.AzurePipelines)), "CiVariableInvalid");
        Assert.NotNull(CiVariableHandOn.For(name, Log(CiSystem.GitHubActions)));
    }

    [Fact]
    public void For_WithoutAName_IsNothing_AndWithoutASystem_IsUnsupported()
    {
        Assert.Null(CiVariableHandOn.For(null, CiLog.Silent));
        AssertRefused(() => CiVariableHandOn.For("PPLX_KEY", CiLog.Silent), "CiVariableUnsupported");
        AssertRefused(() => CiVariableHandOn.For("PPLX_KEY", new CiLog(CiSystem.GitHubActions, _lines.Add, null)), "CiVariableUnsupported");
    }

    [Fact]
    public void Refusal_OneVariableHoldsOneKey()
    {
        CiVariableHandOn handOn = CiVariableHandOn.For("PPLX_KEY", Log(CiSystem.AzurePipelines))!;
        Assert.Null(handOn.Refusal("svc-a"));
        Assert.Equal("ParameterCombinationInvalid", ErrorRecords.For(handOn.Refusal("svc-b")!, null).FullyQualifiedErrorId);
        Assert.NotNull(handOn.Refusal("svc-a"));
    }

    [Theory]
    [InlineData(RotationState.Done, false, true)]
    [InlineData(RotationState.Propagating, true, true)]
    [InlineData(RotationState.Propagating, false, false)]
    [InlineData(RotationState.RolledBack, false, false)]
    [InlineData(RotationState.Aborted, false, false)]
    [InlineData(RotationState.Minted, false, false)]
    public void HandOnRotated_OnlyOnceTheNewKeyIsCurrent(RotationState state, bool awaitingFinish, bool handedOn)
    {
        ApiKey key = ApiKey.Create("pplx-" + new string('k', 48));
        var result = new RotationResult { Vault = "Prod", SecretName = "svc", State = state, AwaitingFinish = awaitingFinish, NewFingerprint = key.Fingerprint };
        Assert.Null(CiVariableHandOn.For("PPLX_KEY", Log(CiSystem.AzurePipelines))!.HandOnRotated(result, () => key));
        Assert.Equal(handedOn ? [$"##vso[task.setvariable variable=PPLX_KEY;issecret=true]pplx-{new string('k', 48)}"] : [], _lines);
    }

    [Fact]
    public void HandOnRotated_ASecretHoldingAnotherKey_IsAConflict_AndHandsNothingOn()
    {
        var result = new RotationResult { Vault = "Prod", SecretName = "svc", State = RotationState.Done, NewFingerprint = "pplx-…kkkk" };
        PplxException? failure = CiVariableHandOn.For("PPLX_KEY", Log(CiSystem.AzurePipelines))!.HandOnRotated(result, () => ApiKey.Create("pplx-" + new string('o', 48)));
        Assert.Equal("RotationConflict", ErrorRecords.For(failure!, null).FullyQualifiedErrorId);
        Assert.Empty(_lines);
    }

    private static void AssertRefused(Func<object?> act, string errorId) =>
        Assert.Equal(errorId, ErrorRecords.For(Assert.Throws<PplxConfigurationException>(act), null).FullyQualifiedErrorId);

    private CiLog Log(CiSystem system) => new(system, _lines.Add, Path.Combine(Path.GetTempPath(), "pplx-ci-unused.txt"));
}
