namespace PerplexityKeys.Core.Vault;

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
