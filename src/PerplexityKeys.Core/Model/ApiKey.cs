using System.Runtime.InteropServices;
using System.Security;
using System.Text.RegularExpressions;

namespace PerplexityKeys.Core.Model;

/// <summary>
/// A Perplexity API key held in memory. Its text is reachable only inside this assembly
/// (to build an Authorization header or a request body) or as a <see cref="SecureString"/>;
/// <see cref="ToString"/> and every message show the <see cref="Fingerprint"/> instead.
/// </summary>
public sealed class ApiKey : IEquatable<ApiKey>
{
    /// <summary>The prefix every Perplexity key carries.</summary>
    public const string Prefix = "pplx-";

    private static readonly Regex ExpectedShape = new("^pplx-[A-Za-z0-9]{48}$", RegexOptions.CultureInvariant);

    private readonly string _value;

    private ApiKey(string value)
    {
        _value = value;
        Fingerprint = MakeFingerprint(value);
        HasExpectedShape = ExpectedShape.IsMatch(value);
    }

    /// <summary>A short, safe-to-show name for the key: <c>pplx-…3f9a</c>.</summary>
    public string Fingerprint { get; }

    /// <summary>True when the key looks like <c>pplx-</c> and 48 letters or digits, the shape public scanners use.
    /// Keys of another shape are accepted (the length may change) but callers should warn.</summary>
    public bool HasExpectedShape { get; }

    /// <summary>Makes a key from its text. Refuses text that cannot travel in an HTTP header.</summary>
    /// <exception cref="PplxKeyFormatException">The text is empty, or holds white space or control characters.</exception>
    public static ApiKey Create(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            throw new PplxKeyFormatException("The key is empty.");
        }

        foreach (char c in text!)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c) || c > '\u007e')
            {
                throw (PplxKeyFormatException)new PplxKeyFormatException(
                    $"The key {MakeFingerprint(text)} holds white space, a control character or a non-ASCII character, so it cannot be a Perplexity key.")
                    .WithFingerprintCore(MakeFingerprint(text));
            }
        }

        return new ApiKey(text);
    }

    /// <summary>Makes a key from a <see cref="SecureString"/>, keeping the plain copy as short-lived as .NET allows.</summary>
    public static ApiKey FromSecureString(SecureString secure)
    {
        if (secure is null)
        {
            throw new ArgumentNullException(nameof(secure));
        }

        IntPtr ptr = IntPtr.Zero;
        try
        {
            ptr = Marshal.SecureStringToGlobalAllocUnicode(secure);
            return Create(Marshal.PtrToStringUni(ptr, secure.Length));
        }
        finally
        {
            if (ptr != IntPtr.Zero)
            {
                Marshal.ZeroFreeGlobalAllocUnicode(ptr);
            }
        }
    }

    /// <summary>Computes the fingerprint of key text without keeping the text.</summary>
    public static string MakeFingerprint(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "(empty)";
        }

        // Show at most the last four characters, and only when the key is long enough that
        // they reveal a small fraction of it.
        string tail = text!.Length >= 16 ? Api.OutsideText.Escape(text.Substring(text.Length - 4)) : string.Empty;
        return text.StartsWith(Prefix, StringComparison.Ordinal) ? Prefix + "…" + tail : "…" + tail;
    }

    /// <summary>A new read-only <see cref="SecureString"/> holding the key.</summary>
    public SecureString ToSecureString()
    {
        var secure = new SecureString();
        foreach (char c in _value)
        {
            secure.AppendChar(c);
        }

        secure.MakeReadOnly();
        return secure;
    }

    /// <summary>The key text, for the HTTP layer only. Never format it into a message.</summary>
    internal string Reveal() => _value;

    /// <inheritdoc />
    public bool Equals(ApiKey? other) => other is not null && string.Equals(_value, other._value, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ApiKey other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(_value);

    /// <summary>The fingerprint, never the key.</summary>
    public override string ToString() => Fingerprint;
}
