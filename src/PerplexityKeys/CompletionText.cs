using System.Linq;
using System.Management.Automation.Language;
using PerplexityKeys.Core.Api;

namespace PerplexityKeys;

/// <summary>How a completed name is typed back: quoted when PowerShell would not read it as one bare word.</summary>
internal static class CompletionText
{
    /// <summary>The word being completed without the quote the user may have opened.</summary>
    public static string Unquote(string? word) => (word ?? string.Empty).Trim('\'', '"');

    /// <summary>
    /// A completion of <paramref name="name"/> (a name from a vault: outside text). Single-quoted, with PowerShell's own
    /// escaping (which also doubles the typographic quotes PowerShell reads as single quotes), unless it is plain ASCII
    /// letters, digits, '-', '_' and '.' not starting with '-' (which would read as a parameter); the list shows it escaped.
    /// </summary>
    public static CompletionResult Result(string name)
    {
        bool bare = name.Length > 0 && name[0] != '-' && name.All(c => c < 128 && (char.IsLetterOrDigit(c) || c is '-' or '_' or '.'));
        string text = bare ? name : "'" + CodeGeneration.EscapeSingleQuotedStringContent(name) + "'";
        string shown = OutsideText.Escape(name);
        return new CompletionResult(text, shown, CompletionResultType.ParameterValue, shown);
    }
}
