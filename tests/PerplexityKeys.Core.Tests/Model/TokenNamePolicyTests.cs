using PerplexityKeys.Core.Model;
using Xunit;

namespace PerplexityKeys.Core.Tests.Model;

public sealed class TokenNamePolicyTests
{
    [Theory]
    [InlineData("svc-a")]
    [InlineData("Prod/api-key/20261124T120000Z/1a2b")]
    [InlineData("clé de production — 東京")]
    [InlineData("rocket 🚀 key")]
    public void Validate_AcceptsOrdinaryAndNonAsciiNames(string name) => Assert.Equal(name, TokenNamePolicy.Validate(name));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(" leading")]
    [InlineData("trailing ")]
    [InlineData("line\nbreak")]
    [InlineData("nul\0char")]
    public void Validate_RefusesEmptyPaddedOrControlNames(string? name) => Assert.Throws<PplxTokenNameException>(() => TokenNamePolicy.Validate(name));

    [Theory]
    [InlineData("esc\u001b[31mred")]
    [InlineData("para\u2028graph")]
    [InlineData("right\u202Eleft")]
    [InlineData("zero\u200Bwidth")]
    [InlineData("bom\uFEFFin")]
    public void Validate_RefusesInvisibleFormattingAndSeparatorCharacters(string name) =>
        Assert.Throws<PplxTokenNameException>(() => TokenNamePolicy.Validate(name));

    [Fact]
    public void Validate_RefusesALoneSurrogate() =>
        Assert.Throws<PplxTokenNameException>(() => TokenNamePolicy.Validate("lone" + (char)0xD800 + "x"));

    [Fact]
    public void Validate_RefusesNamesLongerThanTheLimit()
    {
        Assert.Equal(TokenNamePolicy.MaxLength, TokenNamePolicy.Validate(new string('n', TokenNamePolicy.MaxLength)).Length);
        var error = Assert.Throws<PplxTokenNameException>(() => TokenNamePolicy.Validate(new string('n', 10_000)));
        Assert.Contains("10000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_NamesTheTimeAndIsUniquePerCall()
    {
        var now = new DateTimeOffset(2026, 11, 24, 14, 30, 0, TimeSpan.Zero);

        string a = TokenNamePolicy.Generate(now);
        string b = TokenNamePolicy.Generate(now);

        Assert.StartsWith("PerplexityKeys-20261124T143000Z-", a, StringComparison.Ordinal);
        Assert.NotEqual(a, b);
        Assert.Equal(a, TokenNamePolicy.Validate(a));
    }
}
