namespace PerplexityKeys.Emulator;

/// <summary>The models the emulated organisation offers, shaped like the live list (captured 2026-10).</summary>
public static class ModelCatalog
{
    /// <summary>The Agent API's presets; a preset sent without a model resolves to the model given here.</summary>
    public static readonly IReadOnlyDictionary<string, string> Presets = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["fast"] = "perplexity/sonar",
        ["low"] = "openai/gpt-5-mini",
        ["medium"] = "perplexity/sonar-pro",
        ["high"] = "anthropic/claude-sonnet-4-5",
        ["xhigh"] = "perplexity/sonar-deep-research",
    };

    /// <summary>Every model, with the prices the list shows.</summary>
    public static readonly IReadOnlyList<CatalogModel> All =
    [
        new("perplexity/sonar", 1, 1, 0.1, null),
        new("perplexity/sonar-pro", 3, 15, 0.3, null),
        new("perplexity/sonar-reasoning-pro", 2, 8, 0.2, null),
        new("perplexity/sonar-deep-research", 2, 8, 0.2, null),
        new("openai/gpt-5-mini", 0.25, 2, 0.025, null),
        new("anthropic/claude-sonnet-4-5", 3, 15, 0.3, 3.75),
    ];

    /// <summary>The ids of <see cref="All"/>.</summary>
    public static List<string> Ids() => All.Select(m => m.Id).ToList();

    /// <summary>The catalog entry for an id, or a plain entry for an id a test configured.</summary>
    public static CatalogModel Describe(string id) =>
        All.FirstOrDefault(m => m.Id == id) ?? new CatalogModel(id.Contains('/', StringComparison.Ordinal) ? id : "perplexity/" + id, 1, 1, 0.1, null);
}
