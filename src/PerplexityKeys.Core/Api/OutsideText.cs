using System.Globalization;
using System.Text;

namespace PerplexityKeys.Core.Api;

/// <summary>
/// Makes text that came from outside (API bodies, model ids) safe to print: anything that could move the
/// cursor, start a new line, set a terminal title, reorder the text or hide in it becomes a visible <c>\uXXXX</c>,
/// and the logging-command markers of pipelines (<c>##</c> anywhere, <c>::</c> at the start) are broken up.
/// </summary>
public static class OutsideText
{
    /// <summary>The escaped text with anything shaped like a key replaced by its fingerprint (a vault's or server's message may echo one).</summary>
    public static string EscapeRedacted(string text) => Escape(ApiErrorMapper.Redact(text));

    /// <summary>The escaped text; plain printable text comes back unchanged.</summary>
    public static string Escape(string text)
    {
        StringBuilder? sb = null;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            bool pairedSurrogate = char.IsHighSurrogate(c) ? i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])
                : char.IsLowSurrogate(c) && i > 0 && char.IsHighSurrogate(text[i - 1]);
            bool tagCharacter = c == '\uDB40' && pairedSurrogate && text[i + 1] <= '\uDC7F'; // U+E0000 to U+E007F
            bool unsafeChar = (char.IsSurrogate(c) && !pairedSurrogate) || IsUnsafe(c) || tagCharacter;
            bool marker = (c == '#' && i + 1 < text.Length && text[i + 1] == '#') || (c == ':' && i == 0 && text.Length > 1 && text[1] == ':');
            if (!unsafeChar && !marker)
            {
                sb?.Append(c);
                continue;
            }

            sb ??= new StringBuilder(text, 0, i, text.Length + 16);
            if (marker)
            {
                sb.Append(c).Append(' ');
            }
            else if (tagCharacter)
            {
                sb.Append("\\U").Append(char.ConvertToUtf32(c, text[++i]).ToString("X8", CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
        }

        return sb?.ToString() ?? text;
    }

    private static bool IsUnsafe(char c) =>
        char.IsControl(c)
        || c is '\u2028' or '\u2029' or '\u061C' or '\uFEFF' or '\u00AD'
        || (c >= '\u200B' && c <= '\u200F')
        || (c >= '\u202A' && c <= '\u202E')
        || (c >= '\u2060' && c <= '\u206F')
        || (c >= '\uFE00' && c <= '\uFE0F')
        || (c >= '\uFFF9' && c <= '\uFFFB')
        || c is '\u180E' or '\u115F' or '\u1160' or '\u3164' or '\uFFA0';
}
