using System.Runtime.InteropServices;
using PerplexityKeys.Core.Model;
using Xunit;

namespace PerplexityKeys.Core.Tests.Model;

public sealed class ApiKeyTests
{
    private const string Real = "pplx-abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV3f9a";

    [Fact]
    public void ToString_ShowsOnlyTheFingerprint()
    {
        ApiKey key = ApiKey.Create(Real[..53]);

        Assert.Equal("pplx-…" + Real[49..53], key.ToString());
        Assert.DoesNotContain(Real[5..20], key.ToString(), StringComparison.Ordinal);
        Assert.True(key.HasExpectedShape);
    }

    [Theory]
    [InlineData("pplx-1234567890abcdef", "pplx-…cdef", false)]
    [InlineData("sk-0123456789abcdefXYZW", "…XYZW", false)]
    [InlineData("pplx-short", "pplx-…", false)]
    public void Fingerprint_OfOddShapes_RevealsLittle(string text, string fingerprint, bool expectedShape)
    {
        ApiKey key = ApiKey.Create(text);

        Assert.Equal(fingerprint, key.Fingerprint);
        Assert.Equal(expectedShape, key.HasExpectedShape);
    }

    [Theory]
    [InlineData("")]
    [InlineData("pplx-abc\ndef")]
    [InlineData("pplx-abc def")]
    [InlineData("pplx-abc\tdef")]
    [InlineData("pplx-abcé")]
    public void Create_RefusesTextThatCannotBeAKey_WithoutEchoingIt(string text)
    {
        var error = Assert.Throws<PplxKeyFormatException>(() => ApiKey.Create(text));

        if (text.Length > 0)
        {
            Assert.DoesNotContain(text, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void SecureString_RoundTripsTheKey()
    {
        ApiKey key = ApiKey.Create(Real[..53]);

        using var secure = key.ToSecureString();
        ApiKey back = ApiKey.FromSecureString(secure);

        Assert.Equal(key, back);
        Assert.True(secure.IsReadOnly());
        IntPtr p = Marshal.SecureStringToGlobalAllocUnicode(secure);
        try
        {
            Assert.Equal(Real[..53], Marshal.PtrToStringUni(p));
        }
        finally
        {
            Marshal.ZeroFreeGlobalAllocUnicode(p);
        }
    }
}
