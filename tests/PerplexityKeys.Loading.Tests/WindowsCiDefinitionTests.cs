using System.Text.RegularExpressions;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace PerplexityKeys.Loading.Tests;

/// <summary>
/// The Windows CI definition cannot run here (no Windows): it is parsed as YAML and held to its promises, a Windows
/// agent, the README's test command under pwsh, and the smoke test under powershell.exe.
/// </summary>
public sealed class WindowsCiDefinitionTests
{
    private static readonly string DefinitionPath = Path.Combine(Layout.RepositoryRoot, ".ci", "azure-pipelines-windows.yml");

    [Fact]
    public void Parses_as_one_pipeline_on_a_Windows_agent()
    {
        YamlMappingNode pipeline = Load();
        var pool = (YamlMappingNode)pipeline.Children[new YamlScalarNode("pool")];
        string image = ((YamlScalarNode)pool.Children[new YamlScalarNode("vmImage")]).Value!;
        Assert.StartsWith("windows-", image, StringComparison.Ordinal);
        Assert.All(Steps(pipeline), step => Assert.True(step.Children.ContainsKey(new YamlScalarNode("checkout")) || step.Children.ContainsKey(new YamlScalarNode("displayName")), "every step but the checkout says what it does"));
    }

    [Fact]
    public void Runs_the_README_test_command_under_pwsh()
    {
        string readme = File.ReadAllText(Path.Combine(Layout.RepositoryRoot, "README.md"));
        string command = Regex.Match(readme, @"Run every test[^\n]*\n+```sh\n(?<command>[^\n]+)\n```").Groups["command"].Value;
        Assert.Contains("build.ps1 -Task Test", command, StringComparison.Ordinal);
        Assert.Contains(Steps(Load()), step => Script(step, "pwsh") == command);
    }

    [Fact]
    public void Runs_the_smoke_test_under_Windows_PowerShell()
    {
        string? smoke = Steps(Load()).Select(step => Script(step, "powershell")).SingleOrDefault(s => s is not null);
        Assert.Equal("./.ci/Test-WindowsPowerShell.ps1", smoke);
        Assert.True(File.Exists(Path.Combine(Layout.RepositoryRoot, ".ci", "Test-WindowsPowerShell.ps1")));
    }

    private static YamlMappingNode Load()
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(DefinitionPath))
        {
            yaml.Load(reader);
        }

        Assert.Single(yaml.Documents);
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    private static List<YamlMappingNode> Steps(YamlMappingNode pipeline) =>
        ((YamlSequenceNode)pipeline.Children[new YamlScalarNode("steps")]).Children.Cast<YamlMappingNode>().ToList();

    private static string? Script(YamlMappingNode step, string kind) =>
        step.Children.TryGetValue(new YamlScalarNode(kind), out YamlNode? node) ? ((YamlScalarNode)node).Value : null;
}
