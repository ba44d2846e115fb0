using System.Collections;
using System.Linq;
using System.Management.Automation.Language;

namespace PerplexityKeys;

/// <summary>Completes -Model with Perplexity's own model ids (the list a key can use comes from GET /v1/models, which needs a key).</summary>
public sealed class ModelIdCompleter : IArgumentCompleter
{
    private static readonly string[] Known =
    [
        "perplexity/sonar",
        "perplexity/sonar-pro",
        "perplexity/sonar-reasoning-pro",
        "perplexity/sonar-deep-research",
    ];

    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Known.Where(id => id.StartsWith(wordToComplete ?? string.Empty, System.StringComparison.OrdinalIgnoreCase))
            .Select(id => new CompletionResult(id, id, CompletionResultType.ParameterValue, id));
}
