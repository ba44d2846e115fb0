using System.Globalization;
using System.Text;

namespace PerplexityKeys.Core.Rotation;

/// <summary>
/// The helper secrets of a rotation, beside the secret S: pending (the new key before it is current), previous (the old
/// key until it is revoked) and the journal (the run's record). Their names are derived from S one-to-one, and they are
/// never deleted: a helper that holds nothing holds <see cref="IdleValue"/> (Key Vault cannot re-create a deleted name).
/// </summary>
public static class SiblingNames
{
    /// <summary>Suffix of the pending sibling.</summary>
    public const string PendingSuffix = "-pplx-pending";

    /// <summary>Suffix of the previous sibling.</summary>
    public const string PreviousSuffix = "-pplx-previous";

    /// <summary>Suffix of the journal sibling.</summary>
    public const string JournalSuffix = "-pplx-journal";

    /// <summary>What a key helper (pending, previous) holds when it holds no key. Helpers are never deleted.</summary>
    public const string IdleValue = "PerplexityKeys:idle";

    private const int MaxVaultName = 127;

    /// <summary><see cref="IdleValue"/> as read back through the key reader.</summary>
    internal static readonly ApiKey IdleKey = ApiKey.Create(IdleValue);

    /// <summary>Whether <paramref name="secretName"/> is shaped like a helper secret of a rotation (pending, previous or journal), never a key of its own.</summary>
    public static bool IsSiblingName(string secretName) =>
        secretName.EndsWith(PendingSuffix, StringComparison.OrdinalIgnoreCase)
        || secretName.EndsWith(PreviousSuffix, StringComparison.OrdinalIgnoreCase)
        || secretName.EndsWith(JournalSuffix, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The name the module derives from S for a helper: letters, digits and dashes only (Azure Key Vault's rule), at most
    /// 127 characters. A name made only of those characters keeps its form (<c>svc-a</c> gives <c>svc-a-pplx-pending</c>);
    /// in any other name every character but a letter or digit becomes <c>-</c> and four hex digits (<c>svc.a</c> gives
    /// <c>svc-002Ea-pplx-pending</c>), so <c>svc.a</c> and <c>svc-a</c> never share helpers. A name too long for that is
    /// cut and given a hash of the whole name. The journal also records its secret, so any collision left is refused.
    /// </summary>
    public static string Of(string secretName, string suffix)
    {
        bool plain = secretName.Length > 0;
        foreach (char c in secretName)
        {
            plain &= IsLetterOrDigit(c) || c == '-';
        }

        var name = new StringBuilder(secretName.Length + suffix.Length);
        foreach (char c in secretName)
        {
            if (plain || IsLetterOrDigit(c))
            {
                name.Append(c);
            }
            else
            {
                name.Append('-').Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
        }

        int room = MaxVaultName - LongestSuffix;
        if (name.Length > room)
        {
            using var sha = System.Security.Cryptography.SHA256.Create();
            byte[] hash = sha.ComputeHash(Encoding.UTF8.GetBytes(secretName));
            string tail = "-" + BitConverter.ToString(hash, 0, 6).Replace("-", string.Empty);
            name.Length = room - tail.Length;
            name.Append(tail);
        }

        return name.Append(suffix).ToString();
    }

    private static int LongestSuffix => Math.Max(PendingSuffix.Length, Math.Max(PreviousSuffix.Length, JournalSuffix.Length));

    private static bool IsLetterOrDigit(char c) => (c is >= 'a' and <= 'z') || (c is >= 'A' and <= 'Z') || (c is >= '0' and <= '9');
}
