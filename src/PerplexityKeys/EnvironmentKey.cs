using System.Collections;
using System.Linq;
using PerplexityKeys.Core.Api;

namespace PerplexityKeys;

/// <summary>
/// A key read from an environment variable by its name (-EnvironmentVariable): a pipeline's secret variable mapped into
/// the step reaches the command without ever being a string in the script. What is refused, before the variable is read:
/// text holding a Perplexity key (its value passed for its name) and text that cannot be a name ('=' or NUL); after: a
/// variable not set or empty, and one holding an Azure Pipelines macro left unexpanded ("$(NAME)": the pipeline variable
/// was never defined).
/// </summary>
internal static class EnvironmentKey
{
    private static readonly char[] Parentheses = ['(', ')'];

    /// <summary>The variable's name as errors and results show it: escaped, and by fingerprint if it looks like a key.</summary>
    public static string Shown(string variable) => OutsideText.EscapeRedacted(variable);

    /// <summary>
    /// True when a provider path (PSPath: a string, or several) is the Environment provider's: the part before "::",
    /// after any module qualifier ("Microsoft.PowerShell.Core\Environment::NAME"), is "Environment" in any case.
    /// </summary>
    public static bool IsEnvironmentPath(object? path) => path switch
    {
        null => false,
        PSObject wrapped => IsEnvironmentPath(wrapped.BaseObject),
        string text => text.IndexOf("::", StringComparison.Ordinal) is var end and > 0
            && string.Equals(text.Substring(0, end).Split('\\').Last(), "Environment", StringComparison.OrdinalIgnoreCase),
        IEnumerable many => many.Cast<object?>().Any(IsEnvironmentPath),
        _ => false,
    };

    // "$(NAME)" and nothing else: no parenthesis between the opening "$(" and the closing one at the end.
    private static bool IsUnexpandedMacro(string text) =>
        text.StartsWith("$(", StringComparison.Ordinal) && text.IndexOfAny(Parentheses, 2) == text.Length - 1 && text[text.Length - 1] == ')';

    /// <summary>The refusal of an environment variable's item piped in where a secret's name is read.</summary>
    public static PplxConfigurationException PipedItem(string variable) =>
        new($"'{Shown(variable)}' came from the Environment provider: it names an environment variable, not a secret, so nothing was read or changed.", "EnvironmentVariableName");

    /// <summary>The key the variable holds.</summary>
    /// <exception cref="PplxConfigurationException">No key is there (Setting EnvironmentVariable), or the name is not one (EnvironmentVariableName).</exception>
    /// <exception cref="PplxKeyFormatException">The text there cannot be a key.</exception>
    public static ApiKey Read(string variable)
    {
        string shown = Shown(variable);
        if (shown != OutsideText.Escape(variable) && variable.IndexOf("pplx-", StringComparison.OrdinalIgnoreCase) >= 0)
        {
            throw new PplxConfigurationException($"'{shown}' looks like a key, not like the name of an environment variable.", "EnvironmentVariableName");
        }

        if (variable.IndexOf('=') >= 0 || variable.IndexOf('\0') >= 0)
        {
            throw new PplxConfigurationException($"'{shown}' cannot be the name of an environment variable ('=' and NUL are not allowed in one).", "EnvironmentVariableName");
        }

        string text = Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new PplxConfigurationException($"The environment variable '{shown}' is not set, or is empty: it holds no key to use.", "EnvironmentVariable");
        if (IsUnexpandedMacro(text))
        {
            throw new PplxConfigurationException($"The environment variable '{shown}' holds '{OutsideText.EscapeRedacted(text)}', a pipeline variable that was never defined (Azure Pipelines leaves the macro as it is): it holds no key to use.", "EnvironmentVariable");
        }

        return ApiKey.Create(text);
    }
}
