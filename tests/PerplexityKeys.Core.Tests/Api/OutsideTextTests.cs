using PerplexityKeys.Core.Api;
using Xunit;

namespace PerplexityKeys.Core.Tests.Api;

public sealed class OutsideTextTests
{
    [Theory]
    [InlineData("perplexity/sonar")]
    [InlineData("Größe 日本語 😀 ok")]
    [InlineData("a # b : c")]
    public void Escape_LeavesPrintableTextAsItIs(string text) => Assert.Equal(text, OutsideText.Escape(text));

    [Theory]
    [InlineData("line\r\nnext", "line\\u000D\\u000Anext")]
    [InlineData("\u001b]0;title\u0007", "\\u001B]0;title\\u0007")]
    [InlineData("a\u202Eb", "a\\u202Eb")]
    [InlineData("zero\u200Bwidth", "zero\\u200Bwidth")]
    [InlineData("para\u2028graph", "para\\u2028graph")]
    [InlineData("tag\U000E0041", "tag\\U000E0041")]
    [InlineData("vs\uFE0F", "vs\\uFE0F")]
    public void Escape_MakesInvisibleAndControllingCharactersVisible(string text, string expected) =>
        Assert.Equal(expected, OutsideText.Escape(text));

    [Fact]
    public void Escape_MakesALoneSurrogateVisible_AndKeepsAPair() =>
        Assert.Equal("lone\\uD800 😀", OutsideText.Escape("lone" + (char)0xD800 + " 😀"));

    [Theory]
    [InlineData("x ##vso[task.setvariable variable=A]1")]
    [InlineData("##[group]x")]
    [InlineData("::set-output name=a::1")]
    public void Escape_BreaksUpPipelineLoggingCommands(string text)
    {
        string escaped = OutsideText.Escape(text);

        Assert.DoesNotContain("##", escaped, StringComparison.Ordinal);
        Assert.False(escaped.StartsWith("::", StringComparison.Ordinal));
    }
}
