using System.Linq;

namespace PerplexityKeys;

/// <summary>How a completed name is typed back: quoted when PowerShell would not read it as one bare word.</summary>
internal static class CompletionText
{
    /// <summary>The word being completed without the quote the user may have opened.</summary>
    public static string Unquote(string? word) => (word ?? string.Empty).Trim('\'', '"');

    /// <summary>A completion of <paramref name="name"/>, single-quoted when it holds anything but letters, digits, '-', '_' or '.'.</summary>
    public static CompletionResult Result(string name)
    {
        bool bare = name.Length > 0 && name.All(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.');
        string text = bare ? name : "'" + name.Replace("'", "''") + "'";
        return new CompletionResult(text, name, CompletionResultType.ParameterValue, name);
    }
}
