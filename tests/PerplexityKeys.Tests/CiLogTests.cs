using System.Management.Automation;
using PerplexityKeys.Core.Rotation;
using Xunit;

namespace PerplexityKeys.Tests;

/// <summary>What the module writes under each system (CiLog): detection, the lines, the step output, and safe text.</summary>
public sealed class CiLogTests : IDisposable
{
    private readonly string _outputFile = Path.Combine(Path.GetTempPath(), $"pplx-ci-{Guid.NewGuid():N}.txt");
    private readonly List<string> _lines = [];

    public void Dispose() => File.Delete(_outputFile);

    [Theory]
    [InlineData("True", null, "AzurePipelines")]
    [InlineData("true", null, "AzurePipelines")]
    [InlineData(null, "true", "GitHubActions")]
    [InlineData("True", "true", "AzurePipelines")]
    [InlineData("False", "false", "None")]
    [InlineData("1", "1", "None")]
    [InlineData(null, null, "None")]
    public void Detect_ReadsTheSystemsOwnVariables(string? tfBuild, string? githubActions, string expected)
    {
        var environment = new Dictionary<string, string?> { ["TF_BUILD"] = tfBuild, ["GITHUB_ACTIONS"] = githubActions };
        Assert.Equal(Enum.Parse<CiSystem>(expected), CiLog.Detect(name => environment.GetValueOrDefault(name)));
    }

    [Theory]
    [InlineData("AzurePipelines", "##vso[task.logissue type=error;]boom", "##vso[task.logissue type=warning;]hm", "##vso[task.complete result=SucceededWithIssues;]Prepared: pplx-…new1 is current in 'svc' (vault 'Prod') and pplx-…old1 is kept; run Invoke-PplxRotation -Stage Finish to revoke it.")]
    [InlineData("GitHubActions", "::error::boom", "::warning::hm", "::warning::Prepared: pplx-…new1 is current in 'svc' (vault 'Prod') and pplx-…old1 is kept; run Invoke-PplxRotation -Stage Finish to revoke it.")]
    public void Lines_AreTheSystemsOwn(string system, string error, string warning, string prepared)
    {
        CiLog log = Log(system);
        log.Error("boom");
        log.Warning("hm");
        log.Prepared(new RotationResult { Vault = "Prod", SecretName = "svc", NewFingerprint = "pplx-…new1", OldFingerprint = "pplx-…old1", AwaitingFinish = true, State = RotationState.Propagating });
        log.Prepared(new RotationResult { Vault = "Prod", SecretName = "svc", State = RotationState.Done });
        Assert.Equal([error, warning, prepared], _lines);
    }

    [Fact]
    public void Silent_WritesNothing_AndTakesNoKey()
    {
        CiLog log = new(CiSystem.None, _lines.Add, _outputFile);
        log.Error("boom");
        log.Warning("hm");
        Assert.Empty(_lines);
        Assert.Contains("TF_BUILD=True", log.HandOnUnsupported, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => log.HandOn("KEY", "pplx-secret"));
        Assert.False(File.Exists(_outputFile));
    }

    [Fact]
    public void HandOn_AzurePipelines_IsOneSecretVariableLine()
    {
        Log("AzurePipelines").HandOn("PPLX_KEY", "pplx-secret");
        Assert.Equal(["##vso[task.setvariable variable=PPLX_KEY;issecret=true]pplx-secret"], _lines);
        Assert.False(File.Exists(_outputFile));
    }

    [Fact]
    public void HandOn_GitHub_MasksFirst_ThenAppendsTheOutputToTheFile_NeverPrintingIt()
    {
        File.WriteAllText(_outputFile, "EARLIER=1\n");
        Log("GitHubActions").HandOn("PPLX_KEY", "pplx-secret");
        Assert.Equal(["::add-mask::pplx-secret"], _lines);
        Assert.Equal("EARLIER=1\nPPLX_KEY=pplx-secret\n", File.ReadAllText(_outputFile));
    }

    [Fact]
    public void HandOn_GitHub_WithoutAnOutputFile_IsUnsupported()
    {
        CiLog log = new(CiSystem.GitHubActions, _lines.Add, outputFile: "");
        Assert.Contains("GITHUB_OUTPUT", log.HandOnUnsupported, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => log.HandOn("KEY", "pplx-secret"));
        Assert.Empty(_lines);
    }

    [Theory]
    [InlineData("AzurePipelines", "x ##vso[task.setvariable variable=evil]1", "##vso[task.logissue type=error;]x # #vso[task.setvariable variable=evil]1")]
    [InlineData("AzurePipelines", "a\n##vso[task.complete result=Failed;]b", "##vso[task.logissue type=error;]a%0A# #vso[task.complete result=Failed;]b")]
    [InlineData("GitHubActions", "::error::x", "::error::: :error::x")]
    [InlineData("GitHubActions", "a\r\n::add-mask::b", "::error::a%0A: :add-mask::b")]
    [InlineData("GitHubActions", "bell\u0007 and 50%", "::error::bell\\u0007 and 50%25")]
    [InlineData("AzurePipelines", "echoed pplx-abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV0123456789ab", "##vso[task.logissue type=error;]echoed pplx-…89ab")]
    public void Error_FromHostileText_HasOneCommandAndNoKey(string system, string text, string expected)
    {
        Log(system).Error(text);
        Assert.Equal(expected, Assert.Single(_lines));
    }

    [Fact]
    public void ErrorText_NamesTheCommandTheErrorIdAndTheMessageShown()
    {
        var record = new ErrorRecord(new InvalidOperationException("raw"), "TokenNotFound,PerplexityKeys.Commands.TestPplxTokenCommand", ErrorCategory.ObjectNotFound, null)
        {
            ErrorDetails = new ErrorDetails("The API does not know pplx-…3f9a. Advice."),
        };
        Assert.Equal("Test-PplxToken (TokenNotFound): The API does not know pplx-…3f9a. Advice.", CiLog.ErrorText("Test-PplxToken", record));
    }

    private CiLog Log(string system) => new(Enum.Parse<CiSystem>(system), _lines.Add, _outputFile);

    [Fact]
    public void HandOn_UnderAHostThatWouldTranscribeTheLine_IsRefused_AndWritesNothing()
    {
        var lines = new List<string>();
        var log = new CiLog(CiSystem.AzurePipelines, lines.Add, null, toProcessOutput: false);

        Assert.NotNull(log.HandOnUnsupported);
        Assert.Throws<InvalidOperationException>(() => log.HandOn("PPLX_KEY", "pplx-" + new string('k', 48)));
        Assert.Empty(lines);
    }
}
