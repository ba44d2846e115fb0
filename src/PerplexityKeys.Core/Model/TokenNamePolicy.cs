using System.Globalization;
using System.Security.Cryptography;

namespace PerplexityKeys.Core.Model;

/// <summary>Rules for the token_name sent with a mint, and the default name.</summary>
public static class TokenNamePolicy
{
    /// <summary>The longest name accepted. The API documents no limit; this keeps names readable in the portal.</summary>
    public const int MaxLength = 256;

    /// <summary>Checks a name; returns it unchanged.</summary>
    /// <exception cref="PplxTokenNameException">Empty, white space at either end, control characters, Unicode format or
    /// separator characters (right-to-left override, zero-width space, U+2028), a lone surrogate, or too long.</exception>
    public static string Validate(string? name)
    {
        if (name is null || name.Length == 0 || string.IsNullOrWhiteSpace(name))
        {
            throw new PplxTokenNameException("The token name is empty or white space.");
        }

        if (name.Length > MaxLength)
        {
            throw new PplxTokenNameException(string.Format(CultureInfo.InvariantCulture, "The token name is {0} characters long; at most {1} are allowed.", name.Length, MaxLength));
        }

        if (char.IsWhiteSpace(name[0]) || char.IsWhiteSpace(name[name.Length - 1]))
        {
            throw new PplxTokenNameException("The token name starts or ends with white space.");
        }

        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (char.IsControl(c))
            {
                throw new PplxTokenNameException("The token name holds a control character (such as a newline, tab or escape).");
            }

            UnicodeCategory category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
            {
                throw new PplxTokenNameException(string.Format(CultureInfo.InvariantCulture, "The token name holds an invisible formatting or separator character (U+{0:X4}), which could hide or reorder text in the portal.", (int)c));
            }

            if (char.IsSurrogate(c) && !(char.IsHighSurrogate(c) && i + 1 < name.Length && char.IsLowSurrogate(name[i + 1]) && ++i > 0))
            {
                throw new PplxTokenNameException("The token name holds a broken character (a lone UTF-16 surrogate).");
            }
        }

        return name;
    }

    /// <summary>A name for a key minted without one, so that a lost answer can still be traced in the portal:
    /// <c>PerplexityKeys-20261124T143000Z-1a2b3c</c>.</summary>
    public static string Generate(DateTimeOffset now)
    {
        byte[] random = new byte[3];
        using (var rng = RandomNumberGenerator.Create())
        {
            rng.GetBytes(random);
        }

        return "PerplexityKeys-" + now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + "-" + BitConverter.ToString(random).Replace("-", string.Empty).ToLowerInvariant();
    }
}
