using PerplexityKeys.Core.Api;
using Xunit;

namespace PerplexityKeys.Core.Tests.Api;

public sealed class BaseUriPolicyTests
{
    [Theory]
    [InlineData("https://api.perplexity.ai", "https://api.perplexity.ai/")]
    [InlineData("https://proxy.example.com/pplx", "https://proxy.example.com/pplx/")]
    [InlineData("http://127.0.0.1:5000", "http://127.0.0.1:5000/")]
    [InlineData("http://localhost:5000/", "http://localhost:5000/")]
    [InlineData("http://[::1]:5000/", "http://[::1]:5000/")]
    public void Validate_AcceptsHttpsAndLoopbackHttp(string text, string expected) =>
        Assert.Equal(expected, BaseUriPolicy.Validate(text).ToString());

    [Theory]
    [InlineData("http://api.perplexity.ai", "clear text")]
    [InlineData("http://10.0.0.5:8080", "clear text")]
    [InlineData("ftp://api.perplexity.ai", "scheme")]
    [InlineData("api.perplexity.ai", "absolute")]
    [InlineData("not a uri", "absolute")]
    [InlineData("", "empty")]
    [InlineData("https://user:pass@api.perplexity.ai", "user name")]
    [InlineData("https://api.perplexity.ai/?x=1", "query")]
    public void Validate_RefusesWhatWouldLeakOrCannotWork(string text, string reason)
    {
        var error = Assert.Throws<PplxConfigurationException>(() => BaseUriPolicy.Validate(text));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Equal("BaseUri", error.Setting);
    }
}
