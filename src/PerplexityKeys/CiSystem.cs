namespace PerplexityKeys;

/// <summary>The pipeline system a command runs under, as its environment says (CiLog.Detect).</summary>
internal enum CiSystem
{
    /// <summary>Neither: the module writes no logging commands, and -CiVariable is refused.</summary>
    None,

    /// <summary>Azure Pipelines: TF_BUILD is True.</summary>
    AzurePipelines,

    /// <summary>GitHub Actions: GITHUB_ACTIONS is true.</summary>
    GitHubActions,
}
