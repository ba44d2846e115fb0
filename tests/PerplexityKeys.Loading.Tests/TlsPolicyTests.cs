using System.Net;
using PerplexityKeys.Loader;
using Xunit;

namespace PerplexityKeys.Loading.Tests;

// The old protocols below are what a host may have set; the test shows they are kept, not chosen.
#pragma warning disable CA5364, CA5386, CS0618

/// <summary>TLS 1.2 on .NET Framework: added to what the host set, never put in its place.</summary>
public sealed class TlsPolicyTests
{
    [Theory]
    // powershell.exe on .NET Framework without strong-crypto opt-in: SSL 3 and TLS 1.0.
    [InlineData(SecurityProtocolType.Ssl3 | SecurityProtocolType.Tls, SecurityProtocolType.Ssl3 | SecurityProtocolType.Tls | SecurityProtocolType.Tls12)]
    [InlineData(SecurityProtocolType.Tls11, SecurityProtocolType.Tls11 | SecurityProtocolType.Tls12)]
    [InlineData(SecurityProtocolType.Tls12, SecurityProtocolType.Tls12)]
    // TLS 1.3 (12288) set by the host stays.
    [InlineData((SecurityProtocolType)12288, (SecurityProtocolType)12288 | SecurityProtocolType.Tls12)]
    // SystemDefault: the operating system chooses (TLS 1.2 included); left as it is.
    [InlineData((SecurityProtocolType)0, (SecurityProtocolType)0)]
    public void WithTls12_AddsTls12_KeepingWhatTheHostSet(SecurityProtocolType host, SecurityProtocolType expected)
    {
        Assert.Equal(expected, TlsPolicy.WithTls12(host));
    }
}
