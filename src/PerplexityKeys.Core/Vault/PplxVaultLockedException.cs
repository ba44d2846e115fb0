namespace PerplexityKeys.Core.Vault;

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
