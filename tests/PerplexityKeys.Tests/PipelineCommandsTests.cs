using Xunit;

namespace PerplexityKeys.Tests;

/// <summary>
/// The exact lines each pipeline system reads (AzurePipelinesCommands, GitHubWorkflowCommands), hostile text included:
/// whatever the text, the line stays one line and its own command is the only one the agent or runner acts on.
/// </summary>
public sealed class PipelineCommandsTests
{
    public static TheoryData<string, string> AzurePipelinesLines() => new()
    {
        { AzurePipelinesCommands.LogIssue("error", "The key pplx-…3f9a was refused."), "##vso[task.logissue type=error;]The key pplx-…3f9a was refused." },
        { AzurePipelinesCommands.LogIssue("warning", "clock skew"), "##vso[task.logissue type=warning;]clock skew" },
        { AzurePipelinesCommands.Complete("SucceededWithIssues", "Prepared: run Finish"), "##vso[task.complete result=SucceededWithIssues;]Prepared: run Finish" },
        { AzurePipelinesCommands.SetSecretVariable("PPLX_KEY", "pplx-abc"), "##vso[task.setvariable variable=PPLX_KEY;issecret=true]pplx-abc" },
        // Data: % first (so an escape already in the text survives), then CR and LF; ';' and ']' stay in a message.
        { AzurePipelinesCommands.LogIssue("error", "100% done; [x] ok"), "##vso[task.logissue type=error;]100%AZP25 done; [x] ok" },
        { AzurePipelinesCommands.LogIssue("error", "a\r\nb\nc"), "##vso[task.logissue type=error;]a%0D%0Ab%0Ac" },
        { AzurePipelinesCommands.LogIssue("error", "%0A is not a line break"), "##vso[task.logissue type=error;]%AZP250A is not a line break" },
        { AzurePipelinesCommands.LogIssue("error", "x\n##vso[task.setvariable variable=evil]1"), "##vso[task.logissue type=error;]x%0A##vso[task.setvariable variable=evil]1" },
        // Properties: ';' and ']' too, so a name cannot add a property or end the list.
        { AzurePipelinesCommands.SetSecretVariable("a;issecret=false]b", "v"), "##vso[task.setvariable variable=a%3Bissecret=false%5Db;issecret=true]v" },
        { AzurePipelinesCommands.SetSecretVariable("N", "line1\nline2%"), "##vso[task.setvariable variable=N;issecret=true]line1%0Aline2%AZP25" },
    };

    public static TheoryData<string, string> GitHubLines() => new()
    {
        { GitHubWorkflowCommands.Error("The key pplx-…3f9a was refused."), "::error::The key pplx-…3f9a was refused." },
        { GitHubWorkflowCommands.Warning("clock skew"), "::warning::clock skew" },
        { GitHubWorkflowCommands.AddMask("pplx-abc"), "::add-mask::pplx-abc" },
        { GitHubWorkflowCommands.Error("100% done, a:b"), "::error::100%25 done, a:b" },
        { GitHubWorkflowCommands.Error("a\r\n::warning::b"), "::error::a%0D%0A::warning::b" },
        { GitHubWorkflowCommands.Warning("::error::at the start"), "::warning::::error::at the start" },
        { GitHubWorkflowCommands.AddMask("p%q\nr"), "::add-mask::p%25q%0Ar" },
    };

    [Theory]
    [MemberData(nameof(AzurePipelinesLines))]
    public void AzurePipelines_WritesTheDocumentedLine(string written, string expected) => AssertOneCommandLine(written, expected, "##vso[");

    [Theory]
    [MemberData(nameof(GitHubLines))]
    public void GitHub_WritesTheDocumentedLine(string written, string expected) => AssertOneCommandLine(written, expected, "::");

    [Theory]
    [InlineData("KEY", "pplx-abc", "KEY=pplx-abc\n")]
    [InlineData("KEY", "", "KEY=\n")]
    [InlineData("KEY", "a\nb", "KEY<<ghadelimiter_1\na\nb\nghadelimiter_1\n")]
    [InlineData("KEY", "a\r\nb", "KEY<<ghadelimiter_1\na\r\nb\nghadelimiter_1\n")]
    public void GitHub_OutputEntry_IsOneLine_OrAHeredoc(string name, string value, string expected) =>
        Assert.Equal(expected, GitHubWorkflowCommands.OutputEntry(name, value, "ghadelimiter_1"));

    [Fact]
    public void GitHub_OutputEntry_RefusesADelimiterFoundInTheValue() =>
        Assert.Throws<ArgumentException>(() => GitHubWorkflowCommands.OutputEntry("KEY", "x\nghadelimiter_1\ny", "ghadelimiter_1"));

    private static void AssertOneCommandLine(string written, string expected, string prefix)
    {
        Assert.Equal(expected, written);
        Assert.DoesNotContain('\n', written);
        Assert.DoesNotContain('\r', written);
        Assert.StartsWith(prefix, written, StringComparison.Ordinal);
    }
}
