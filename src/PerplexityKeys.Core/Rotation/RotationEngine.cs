using System.Threading;
using PerplexityKeys.Core.Api;
using PerplexityKeys.Core.Vault;

namespace PerplexityKeys.Core.Rotation;

/// <summary>
/// Rotates the key in one secret with zero downtime (docs/rotation.md). The state is read
/// from the vault on every run, so a run that died anywhere is finished by running it again.
/// </summary>
public sealed class RotationEngine
{

    /// <summary>Creates an engine for one vault on the system clock.</summary>
    public RotationEngine(PplxClient client, ISecretVault vault, Action<string>? narrate = null)
        : this(client, vault, SystemClock.Instance, narrate)
    {
    }

    /// <summary>Creates an engine for one vault.</summary>
    public RotationEngine(PplxClient client, ISecretVault vault, TimeProvider time, Action<string>? narrate = null)
    {
        Client = client;
        Vault = vault;
        Time = time;
        Narrate = narrate ?? (_ => { });
    }

    /// <summary>The API client.</summary>
    internal PplxClient Client { get; }

    /// <summary>The vault of the secrets this engine rotates.</summary>
    internal ISecretVault Vault { get; }

    /// <summary>The clock (injected).</summary>
    internal TimeProvider Time { get; }

    /// <summary>Verbose narration of every step.</summary>
    internal Action<string> Narrate { get; }

    /// <summary>How long a run waits for another rotation in the same vault on this machine.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long another process may go on seeing a vault's old content after a write (SecretStore reloads its
    /// per-process cache about 5 s after a change). A run starts writing only this long after another process's last write.
    /// </summary>
    public TimeSpan CacheWindow { get; init; }

    /// <summary>
    /// The vault locks this engine's runs take. Engines whose runs go on at once in one command share one (each run
    /// enters the vault's lock, the first takes it, the last lets go); by default an engine has its own, so each run
    /// takes the lock and lets go of it.
    /// </summary>
    public RotationLocks Locks { get; init; } = new();

    /// <summary>
    /// The result of the latest <see cref="RunAsync"/>, as far as it got: also when it failed with an error that is not a
    /// <see cref="PplxRotationException"/> (a vault that stayed locked, say), so the caller can still report and audit it.
    /// </summary>
    public RotationResult? LastResult { get; private set; }

    /// <summary>Runs the rotation as far as <see cref="RotationRequest.Intent"/> asks.</summary>
    /// <exception cref="PplxRotationException">The rotation stopped; its Result says where it stands.</exception>
    public async Task<RotationResult> RunAsync(RotationRequest request, CancellationToken cancellationToken)
    {
        var run = new RotationRun(this, request, cancellationToken);
        LastResult = run.Result;
        using IDisposable? held = await run.StepAsync("Lock", () => Locks.EnterAsync(Vault.Name, LockTimeout, CacheWindow, Time, cancellationToken)).ConfigureAwait(false);
        if (held is null)
        {
            throw run.Fail(RotationFailure.LockTimeout, $"Another rotation in vault '{Vault.Name}' on this machine (one writer per vault at a time) held the lock for {LockTimeout.TotalSeconds:0} s. Try again when it has finished.");
        }

        try
        {
            return await run.ExecuteAsync().ConfigureAwait(false);
        }
        catch (PplxException e) when (e is not PplxRotationException)
        {
            run.Stopped();
            throw;
        }
    }
}
