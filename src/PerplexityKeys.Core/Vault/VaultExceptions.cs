
namespace PerplexityKeys.Core.Vault;

/// <summary>A vault failed or refused; carries the vault and secret names, never a value.</summary>
public class PplxVaultException : PplxException
{
    /// <summary>Creates the exception.</summary>
    public PplxVaultException(string message, string vault, string? secretName, Exception? innerException = null)
        : base(message, innerException)
    {
        Vault = vault;
        SecretName = secretName;
    }

    /// <summary>The vault.</summary>
    public string Vault { get; }

    /// <summary>The secret, when one was involved.</summary>
    public string? SecretName { get; }
}

/// <summary>No vault of that name is registered.</summary>
public sealed class PplxVaultNotFoundException : PplxVaultException
{
    /// <summary>Creates the exception.</summary>
    public PplxVaultNotFoundException(string vault, Exception? innerException = null)
        : base($"No SecretManagement vault named '{vault}' is registered.", vault, null, innerException)
    {
    }
}

/// <summary>The vault is locked and needs a password (it said so, or it asked for one interactively).</summary>
public sealed class PplxVaultLockedException : PplxVaultException
{
    /// <summary>Creates the exception.</summary>
    public PplxVaultLockedException(string vault, Exception? innerException = null)
        : this(
            $"The vault '{vault}' is locked: it needs its password before it can be read or written.",
            vault,
            null,
            false,
            innerException)
    {
    }

    private PplxVaultLockedException(string message, string vault, string? secretName, bool prompted, Exception? innerException)
        : base(message, vault, secretName, innerException)
    {
        AskedForPassword = prompted;
    }

    /// <summary>True when the vault asked for a password interactively and the host stopped the call.</summary>
    public bool AskedForPassword { get; }

    /// <summary>The vault stayed locked even after it was unlocked again with the password the caller gave.</summary>
    public static PplxVaultLockedException StillLocked(string vault, string? secretName, Exception? innerException = null) =>
        new(
            $"The vault '{vault}' locked again during the run and stayed locked after it was unlocked with the password given" +
            (secretName is null ? "." : $" (at '{secretName}').") +
            " Check the password, or give the vault a longer password timeout.",
            vault,
            secretName,
            false,
            innerException);

    /// <summary>
    /// The vault asked for a password through the host (SecretStore's default -Interaction Prompt) and, with no
    /// one to answer, the call was stopped: nothing was read or written.
    /// </summary>
    public static PplxVaultLockedException PromptStopped(string vault, string? secretName, Exception? innerException = null) =>
        new(
            $"The vault '{vault}' asked for a password interactively and the call was stopped with no answer, so nothing was read or written" +
            (secretName is null ? "." : $" ('{secretName}').") +
            " For unattended use, configure the vault not to prompt, and unlock it with its password before use.",
            vault,
            secretName,
            true,
            innerException);
}

/// <summary>The secret does not exist.</summary>
public sealed class PplxSecretNotFoundException : PplxVaultException
{
    /// <summary>Creates the exception.</summary>
    public PplxSecretNotFoundException(string vault, string secretName)
        : base($"The vault '{vault}' holds no secret named '{secretName}'.", vault, secretName)
    {
    }
}

/// <summary>The secret exists but holds a type that cannot be a key (hashtable, byte[]).</summary>
public sealed class PplxSecretTypeException : PplxVaultException
{
    /// <summary>Creates the exception.</summary>
    public PplxSecretTypeException(string vault, string secretName, string actualType)
        : base($"The secret '{secretName}' in vault '{vault}' is a {actualType}; a key must be stored as a string, SecureString or PSCredential (password = key). Nothing was changed.", vault, secretName)
    {
        ActualType = actualType;
    }

    /// <summary>What the secret holds.</summary>
    public string ActualType { get; }
}

/// <summary>A vault operation failed (write refused, vault error).</summary>
public sealed class PplxVaultOperationException : PplxVaultException
{
    /// <summary>Creates the exception.</summary>
    public PplxVaultOperationException(string message, string vault, string? secretName, Exception? innerException = null)
        : base(message, vault, secretName, innerException)
    {
    }
}

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

/// <summary>A secret exists where the module would write a new one, and it was not asked to overwrite.</summary>
public sealed class PplxSecretExistsException : PplxVaultException
{
    /// <summary>Creates the exception.</summary>
    public PplxSecretExistsException(string vault, string secretName)
        : base($"The vault '{vault}' already holds a secret named '{secretName}', and it was not asked to overwrite it.", vault, secretName)
    {
    }
}

/// <summary>
/// A vault call did not return in time (the caller's time-out), or an earlier one that did not is still running. The call was
/// abandoned, not undone: it may still read or write when it returns, so until then this process makes no other vault
/// call and keeps the vault's rotation lock.
/// </summary>
public sealed class PplxVaultTimeoutException : PplxVaultException
{
    private PplxVaultTimeoutException(string message, string vault, string? secretName)
        : base(message, vault, secretName)
    {
    }

    /// <summary>This call did not return within <paramref name="timeout"/>.</summary>
    public static PplxVaultTimeoutException TimedOut(string vault, string? secretName, string operation, TimeSpan timeout) =>
        new(
            $"The vault '{vault}' did not finish {operation}" + (secretName is null ? string.Empty : $" of '{secretName}'") +
            $" within {timeout.TotalSeconds:0.#} s. The call was abandoned but may still complete, so this process makes no other vault call until it returns," +
            " and a rotation keeps its lock on the vault until then. Nothing after it was done; when the vault answers again, run the command again (a rotation resumes where it stopped).",
            vault,
            secretName);

    /// <summary>An earlier abandoned call (<paramref name="running"/>: "vault: operation") is still running.</summary>
    public static PplxVaultTimeoutException StillRunning(string vault, string? secretName, string running) =>
        new(
            $"An earlier vault call that did not return in time is still running ({running}); SecretManagement runs one vault call at a time" +
            $" in a process, so '{vault}' was not called. Nothing was changed. Run the command again when that call has returned, or in a new session.",
            vault,
            secretName);
}
