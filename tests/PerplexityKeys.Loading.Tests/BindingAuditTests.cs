using System.Reflection;
using PerplexityKeys.Loader;
using Xunit;

namespace PerplexityKeys.Loading.Tests;

/// <summary>The classifier on made-up modules: it reports what the binder would refuse, so the audit can fail.</summary>
public sealed class BindingAuditTests
{
    private const string Bcl = "cc7b13ffcd2ddd51";

    private static readonly BindingAudit Audit = new(
        [
            new ShippedFile("PerplexityKeys.dll", Name("PerplexityKeys", "0.1.0.0", null), InLib: false),
            new ShippedFile("lib/Microsoft.Bcl.TimeProvider.dll", Name("Microsoft.Bcl.TimeProvider", "8.0.0.1", Bcl), InLib: true),
        ],
        new Dictionary<string, AssemblyName>(StringComparer.OrdinalIgnoreCase)
        {
            ["netstandard"] = Name("netstandard", "2.0.0.0", Bcl),
            ["System.Runtime"] = Name("System.Runtime", "4.1.2.0", "b03f5f7f11d50a3a"),
        },
        ShippedAssemblyResolver.Serves);

    [Theory]
    [InlineData("Microsoft.Bcl.TimeProvider", "8.0.0.1", Bcl, MetBy.ExactShippedFile)]
    [InlineData("Microsoft.Bcl.TimeProvider", "8.0.0.0", Bcl, MetBy.Resolver)]
    [InlineData("Microsoft.Bcl.TimeProvider", "9.0.0.0", Bcl, MetBy.Unmet)] // higher than shipped
    [InlineData("Microsoft.Bcl.TimeProvider", "8.0.0.0", "b03f5f7f11d50a3a", MetBy.Unmet)] // another publisher's key
    [InlineData("netstandard", "2.0.0.0", Bcl, MetBy.InBox)]
    [InlineData("netstandard", "2.1.0.0", Bcl, MetBy.Unmet)] // higher than .NET Framework 4.7.2 has
    [InlineData("System.Runtime", "4.0.0.0", "b03f5f7f11d50a3a", MetBy.InBox)]
    [InlineData("System.Management.Automation", "3.0.0.0", "31bf3856ad364e35", MetBy.Host)]
    [InlineData("System.Management.Automation", "7.0.0.0", "31bf3856ad364e35", MetBy.Unmet)] // PowerShell 7's
    [InlineData("System.Memory", "4.0.1.2", Bcl, MetBy.Unmet)] // neither shipped nor in-box
    public void Classifies_a_reference(string name, string version, string token, MetBy expected)
    {
        AuditedReference r = Audit.Classify("lib/Some.dll", Name(name, version, token));
        Assert.Equal(expected, r.MetBy);
    }

    [Fact]
    public void An_unmet_reference_names_the_requester_the_reference_and_the_versions()
    {
        AuditedReference r = Audit.Classify("lib/Polly.Core.dll", Name("Microsoft.Bcl.TimeProvider", "9.0.0.0", Bcl));
        Assert.Equal(MetBy.Unmet, r.MetBy);
        Assert.Contains("lib/Polly.Core.dll -> Microsoft.Bcl.TimeProvider, Version=9.0.0.0", r.ToString(), StringComparison.Ordinal);
        Assert.Contains("ships lib/Microsoft.Bcl.TimeProvider.dll 8.0.0.1", r.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void The_resolver_serves_only_from_lib()
    {
        // The cmdlet assembly lies beside the manifest, where the resolver does not look.
        AuditedReference r = Audit.Classify("lib/Some.dll", Name("PerplexityKeys", "0.0.1.0", null));
        Assert.Equal(MetBy.Unmet, r.MetBy);
    }

    private static AssemblyName Name(string name, string version, string? token)
    {
        var n = new AssemblyName(name) { Version = new Version(version), CultureInfo = System.Globalization.CultureInfo.InvariantCulture };
        n.SetPublicKeyToken(token is null ? [] : Convert.FromHexString(token));
        return n;
    }
}
