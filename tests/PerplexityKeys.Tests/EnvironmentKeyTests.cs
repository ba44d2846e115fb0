using PerplexityKeys.Core;
using PerplexityKeys.Core.Model;
using Xunit;

namespace PerplexityKeys.Tests;

/// <summary>-EnvironmentVariable: a key read from the environment by name, and what is refused on the way.</summary>
public sealed class EnvironmentKeyTests : IDisposable
{
    private readonly string _name = "PPLX_ENVKEY_TEST_" + Random.Shared.Next();

    public void Dispose() => Environment.SetEnvironmentVariable(_name, null);

    [Fact]
    public void Read_GivesTheKeyTheVariableHolds()
    {
        string text = "pplx-" + new string('a', 44) + "3f9a";
        Environment.SetEnvironmentVariable(_name, text);

        ApiKey key = EnvironmentKey.Read(_name);

        Assert.Equal(ApiKey.Create(text).Fingerprint, key.Fingerprint);
    }

    [Theory]
    [InlineData("$(PPLX_KEY)")]
    [InlineData("$(secrets.pplx)")]
    public void Read_TakesAnUnexpandedPipelineMacroForNoKey(string macro)
    {
        Environment.SetEnvironmentVariable(_name, macro);

        PplxConfigurationException e = Assert.Throws<PplxConfigurationException>(() => EnvironmentKey.Read(_name));

        Assert.Equal("EnvironmentVariable", e.Setting);
        Assert.Contains("never defined", e.Message);
    }

    [Fact]
    public void Read_RefusesAKeyGivenForTheName_ShowingOnlyItsFingerprint_AndReadsNothing()
    {
        string key = "pplx-" + new string('b', 44) + "9z9z";

        PplxConfigurationException e = Assert.Throws<PplxConfigurationException>(() => EnvironmentKey.Read(key));

        Assert.Equal("EnvironmentVariableName", e.Setting);
        Assert.DoesNotContain(key, e.Message);
        Assert.Contains(ApiKey.Create(key).Fingerprint, e.Message);
        Assert.Equal(ApiKey.Create(key).Fingerprint, EnvironmentKey.Shown(key));
    }

    [Theory]
    [InlineData("=C:")]
    [InlineData("A=B")]
    [InlineData("A\0B")]
    public void Read_RefusesWhatCannotBeAName(string name)
    {
        PplxConfigurationException e = Assert.Throws<PplxConfigurationException>(() => EnvironmentKey.Read(name));

        Assert.Equal("EnvironmentVariableName", e.Setting);
        Assert.False(e.Message.Contains('\0'), "a NUL reaches no message");
    }

    [Theory]
    [InlineData(@"Microsoft.PowerShell.Core\Environment::PPLX_KEY", true)]
    [InlineData(@"microsoft.powershell.core\ENVIRONMENT::PPLX_KEY", true)]
    [InlineData("Environment::PPLX_KEY", true)]
    [InlineData(@"Microsoft.PowerShell.Core\FileSystem::/tmp/a\Environment::b", false)]
    [InlineData(@"Microsoft.PowerShell.Core\FileSystem::/home/me/PPLX_KEY", false)]
    [InlineData("Env:PPLX_KEY", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsEnvironmentPath_KnowsTheEnvironmentProvidersPaths(string? path, bool expected) =>
        Assert.Equal(expected, EnvironmentKey.IsEnvironmentPath(path));

    [Fact]
    public void IsEnvironmentPath_LooksAtEveryPathOfAnArray()
    {
        Assert.True(EnvironmentKey.IsEnvironmentPath(new object[] { @"Microsoft.PowerShell.Core\FileSystem::/x", @"Microsoft.PowerShell.Core\Environment::X" }));
        Assert.False(EnvironmentKey.IsEnvironmentPath(new object[] { @"Microsoft.PowerShell.Core\FileSystem::/x" }));
    }
}
