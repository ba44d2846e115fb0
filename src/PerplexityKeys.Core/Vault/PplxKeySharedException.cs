namespace PerplexityKeys.Core.Vault;

/// <summary>
/// The key about to be rotated is also kept in other secrets, which would be left holding a revoked key; or some vaults
/// or secrets could not be searched for copies (locked, failing), so that cannot be ruled out.
/// </summary>
public sealed class PplxKeySharedException : PplxVaultException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="vault">The vault of the secret being rotated.</param>
    /// <param name="secretName">The secret being rotated.</param>
    /// <param name="fingerprint">The shared key's fingerprint.</param>
    /// <param name="copies">The other places, as "vault/secret".</param>
    public PplxKeySharedException(string vault, string secretName, string fingerprint, System.Collections.Generic.IReadOnlyList<string> copies)
        : this(
            $"The key {fingerprint} in '{secretName}' is also kept in {string.Join(", ", copies)}. Rotating it would revoke the key those secrets hold. Nothing was changed.",
            vault,
            secretName,
            copies,
            [])
    {
    }

    private PplxKeySharedException(string message, string vault, string secretName, System.Collections.Generic.IReadOnlyList<string> copies, System.Collections.Generic.IReadOnlyList<string> unsearched)
        : base(message, vault, secretName)
    {
        Copies = copies;
        Unsearched = unsearched;
    }

    /// <summary>The other places the key is kept, as "vault/secret".</summary>
    public System.Collections.Generic.IReadOnlyList<string> Copies { get; }

    /// <summary>The vaults (or "vault/secret") that could not be searched for copies.</summary>
    public System.Collections.Generic.IReadOnlyList<string> Unsearched { get; }

    /// <summary>No copy was found, but some places could not be searched (a locked vault, say).</summary>
    public static PplxKeySharedException Unknown(string vault, string secretName, string fingerprint, System.Collections.Generic.IReadOnlyList<string> unsearched) =>
        new(
            $"Could not rule out that the key {fingerprint} in '{secretName}' is also kept elsewhere: {string.Join(", ", unsearched)} could not be searched (locked or failing). Rotating it would revoke any copy. Nothing was changed.",
            vault,
            secretName,
            [],
            unsearched);
}
