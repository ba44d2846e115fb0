using System.Collections.Generic;
using System.Threading;

namespace PerplexityKeys.Core.Vault;

/// <summary>
/// One secret vault as the rotation sees it. Implementations decide where calls run; the
/// SecretManagement adapter runs every call on the PowerShell pipeline thread, one at a time.
/// </summary>
public interface ISecretVault
{
    /// <summary>The vault's name, for messages.</summary>
    string Name { get; }

    /// <summary>Reads a key stored as a string, SecureString or PSCredential (password = key); null when the secret is missing.</summary>
    /// <exception cref="PplxSecretTypeException">The secret holds another type (hashtable, byte[]).</exception>
    Task<ApiKey?> GetKeyAsync(string secretName, CancellationToken cancellationToken);

    /// <summary>Reads a secret stored as text (the rotation journal); null when missing.</summary>
    Task<string?> GetTextAsync(string secretName, CancellationToken cancellationToken);

    /// <summary>Writes a key as a SecureString, replacing any value.</summary>
    Task SetKeyAsync(string secretName, ApiKey key, CancellationToken cancellationToken);

    /// <summary>Writes text, replacing any value.</summary>
    Task SetTextAsync(string secretName, string text, CancellationToken cancellationToken);

    /// <summary>Replaces a secret's metadata (string values only); false when the vault keeps no metadata.</summary>
    Task<bool> TrySetMetadataAsync(string secretName, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken);

    /// <summary>Removes a secret; does nothing when it is missing.</summary>
    Task RemoveAsync(string secretName, CancellationToken cancellationToken);
}
