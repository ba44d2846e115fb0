using PerplexityKeys.Core.Api;
using PerplexityKeys.Core.Model;
using PerplexityKeys.Core.Vault;
using Xunit;

namespace PerplexityKeys.Core.Tests.Model;

public sealed class ExceptionSafetyTests
{
    private const string Body = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789AbCdEfGhIjKl";
    private const string Key = "pplx-" + Body;

    [Fact]
    public void AForeignInnerException_IsKeptOnlyAsRedactedText_WithNoDataAndNoObject()
    {
        var foreign = new InvalidOperationException("restart failed for " + Key, new FormatException("body was " + Body));
        foreign.Data["key"] = Key;

        var error = new PplxVaultOperationException("The hand-off failed.", "Prod", "svc", foreign);

        PplxInnerException inner = Assert.IsType<PplxInnerException>(error.InnerException);
        Assert.Equal(typeof(InvalidOperationException).FullName, inner.OriginalType);
        Assert.Empty(inner.Data);
        Assert.IsType<PplxInnerException>(inner.InnerException);
        Assert.DoesNotContain(Body, error.ToString(), StringComparison.Ordinal);
        Assert.Contains("…", inner.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheModulesOwnInnerExceptions_AreKeptAsTheyAre()
    {
        var own = new PplxUnauthorizedException("401", 401, "invalid_api_key");

        var error = new PplxVaultOperationException("x", "Prod", "svc", own);

        Assert.Same(own, error.InnerException);
    }

    [Theory]
    [InlineData("the key " + Key + " failed")]
    [InlineData("the key " + Body + " failed")]
    public void Redact_RemovesAKey_WithOrWithoutItsPrefix(string text)
    {
        string redacted = ApiErrorMapper.Redact(text);

        Assert.DoesNotContain(Body.Substring(0, 20), redacted, StringComparison.Ordinal);
        Assert.StartsWith("the key ", redacted, StringComparison.Ordinal);
    }

    [Fact]
    public void AConnectionRefusal_IsStillKnown_AfterItsInnerExceptionWasMadeSafe()
    {
        var refused = new HttpRequestException("refused", new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused));

        var error = new PplxConnectionException("no connection", false, refused);

        Assert.True(error.IsConnectionRefused);
        Assert.IsType<PplxInnerException>(error.InnerException);
    }

    [Fact]
    public void AnErrorsMessage_IsEscaped_WhateverNamesItQuotes()
    {
        var error = new PplxVaultOperationException("Writing 'svc\u001b]0;owned\u0007\n##vso[task.complete]' failed.", "Prod", "svc");

        Assert.DoesNotContain(error.Message, char.IsControl);
        Assert.DoesNotContain("##vso[", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AMalformedKeysFingerprint_ShowsNoControlCharacter()
    {
        var error = Assert.Throws<PplxKeyFormatException>(() => ApiKey.Create(Key + "\r\n"));

        Assert.DoesNotContain(error.Message, char.IsControl);
        Assert.NotNull(error.Fingerprint);
        Assert.DoesNotContain(error.Fingerprint!, char.IsControl);
    }
}
