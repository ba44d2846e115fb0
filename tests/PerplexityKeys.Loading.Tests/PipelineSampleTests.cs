using System.Text.RegularExpressions;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace PerplexityKeys.Loading.Tests;

/// <summary>
/// The pipeline samples (samples/azure-pipelines.yml, samples/github-actions.yml) cannot run here: each is parsed as
/// YAML and held to a staged rotation: Key Vault registered through Az.KeyVault, Prepare handing the key on with
/// -CiVariable, a later step using that variable, then Finish.
/// </summary>
public sealed partial class PipelineSampleTests
{
    [GeneratedRegex(@"-CiVariable (?<name>[A-Za-z0-9_.-]+)")]
    private static partial Regex CiVariable();

    [Fact]
    public void AzurePipelines_PreparesDeploysWithTheVariableThenFinishes_InAzurePowerShellSteps()
    {
        List<YamlMappingNode> steps = Sequence(Load("azure-pipelines.yml"), "steps");
        List<YamlMappingNode> azure = steps.Where(step => Scalar(step, "task") == "AzurePowerShell@5").ToList();
        Assert.All(azure, step => Assert.Equal("true", Scalar(Map(step, "inputs"), "pwsh")));
        List<string> scripts = azure.Select(step => Scalar(Map(step, "inputs"), "Inline") ?? string.Empty).ToList();

        int prepare = scripts.FindIndex(s => s.Contains("-Stage Prepare", StringComparison.Ordinal));
        int finish = scripts.FindIndex(s => s.Contains("-Stage Finish", StringComparison.Ordinal));
        string variable = CiVariable().Match(scripts[prepare]).Groups["name"].Value;
        int deploy = azure.FindIndex(step => step.Children.ContainsKey(new YamlScalarNode("env"))
            && Map(step, "env").Children.Values.OfType<YamlScalarNode>().Any(v => v.Value == $"$({variable})"));

        Assert.NotEmpty(variable);
        Assert.True(prepare >= 0 && prepare < deploy && deploy < finish, "Prepare, then a step mapping the variable, then Finish");
        Assert.All(new[] { scripts[prepare], scripts[finish] }, s => Assert.Contains("Use-PplxKeyVault.ps1", s, StringComparison.Ordinal));
    }

    [Fact]
    public void GitHubActions_PreparesDeploysWithTheOutputThenFinishes_InAzurePowerShellSteps()
    {
        var jobs = Map(Load("github-actions.yml"), "jobs");
        List<YamlMappingNode> steps = Sequence((YamlMappingNode)jobs.Children.Values.Single(), "steps");
        Assert.Contains(steps, step => Scalar(step, "uses")?.StartsWith("azure/login@", StringComparison.Ordinal) == true && Scalar(Map(step, "with"), "enable-AzPSSession") == "true");
        List<YamlMappingNode> azure = steps.Where(step => Scalar(step, "uses")?.StartsWith("azure/powershell@", StringComparison.Ordinal) == true).ToList();
        List<string> scripts = azure.Select(step => Scalar(Map(step, "with"), "inlineScript") ?? string.Empty).ToList();

        int prepare = scripts.FindIndex(s => s.Contains("-Stage Prepare", StringComparison.Ordinal));
        int finish = scripts.FindIndex(s => s.Contains("-Stage Finish", StringComparison.Ordinal));
        string variable = CiVariable().Match(scripts[prepare]).Groups["name"].Value;
        string? id = Scalar(azure[prepare], "id");
        int deploy = azure.FindIndex(step => step.Children.ContainsKey(new YamlScalarNode("env"))
            && Map(step, "env").Children.Values.OfType<YamlScalarNode>().Any(v => v.Value == $"${{{{ steps.{id}.outputs.{variable} }}}}"));

        Assert.NotEmpty(variable);
        Assert.NotNull(id);
        Assert.True(prepare >= 0 && prepare < deploy && deploy < finish, "Prepare, then a step using its output, then Finish");
        Assert.All(new[] { scripts[prepare], scripts[finish] }, s => Assert.Contains("Use-PplxKeyVault.ps1", s, StringComparison.Ordinal));
    }

    [Fact]
    public void TheVaultScript_RegistersKeyVaultThroughAzKeyVault()
    {
        string script = File.ReadAllText(Path.Combine(Layout.RepositoryRoot, "samples", "Use-PplxKeyVault.ps1"));
        Assert.Contains("Register-SecretVault -Name $Name -ModuleName Az.KeyVault -VaultParameters @{ AZKVaultName = $KeyVaultName; SubscriptionId = $SubscriptionId }", script, StringComparison.Ordinal);
    }

    private static YamlMappingNode Load(string name)
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(Layout.RepositoryRoot, "samples", name)))
        {
            yaml.Load(reader);
        }

        return (YamlMappingNode)Assert.Single(yaml.Documents).RootNode;
    }

    private static YamlMappingNode Map(YamlMappingNode node, string key) => (YamlMappingNode)node.Children[new YamlScalarNode(key)];

    private static List<YamlMappingNode> Sequence(YamlMappingNode node, string key) =>
        ((YamlSequenceNode)node.Children[new YamlScalarNode(key)]).Children.Cast<YamlMappingNode>().ToList();

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out YamlNode? value) ? (value as YamlScalarNode)?.Value : null;
}
