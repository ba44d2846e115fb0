using System.Collections;
using System.Linq;
using System.Management.Automation.Language;

namespace PerplexityKeys;

/// <summary>Completes -EnvironmentVariable with the names of the process's environment variables (names only: no value is read).</summary>
public sealed class EnvironmentVariableCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        string word = CompletionText.Unquote(wordToComplete);
        return Environment.GetEnvironmentVariables().Keys.OfType<string>()
            .Where(name => name.StartsWith(word, StringComparison.OrdinalIgnoreCase))
            .OrderBy(name => name, StringComparer.OrdinalIgnoreCase)
            .Select(CompletionText.Result)
            .ToList();
    }
}
