using System.Threading;
using PerplexityKeys.Core.Api;
using PerplexityKeys.Core.Vault;

namespace PerplexityKeys.Core.Rotation;

/// <summary>
/// One run of a rotation: the request, the helper names, what the vault holds, and the steps taken. It reads the vault,
/// derives the state (RotationRun.State.cs), then moves from state to state until the request is met: each state's
/// work is in its own file (Mint, Promote, Retire, Abort). docs/rotation.md has the state table.
/// </summary>
internal sealed partial class RotationRun
{
    private readonly RotationEngine _engine;
    private readonly RotationRequest _request;
    private readonly CancellationToken _ct;
    private readonly RotationNames _names;
    private readonly ISecretVault _vault;

    private ApiKey _current = null!;
    private ApiKey? _pending;
    private ApiKey? _previous;
    private RotationJournal? _journal;
    private RotationJournal? _lastRecord; // the idle journal: what the last rotation (or New-PplxToken -Vault) recorded
    private RotationState _state;

    public RotationRun(RotationEngine engine, RotationRequest request, CancellationToken ct)
    {
        _engine = engine;
        _request = request;
        _ct = ct;
        _names = RotationNames.Of(request.SecretName);
        Result = new RotationResult { Vault = engine.Vault.Name, SecretName = _names.Secret };
        _vault = new CountingVault(engine.Vault, Result.VaultOperations);
    }

    public RotationResult Result { get; }

    private ISecretVault Vault => _vault;

    private PplxClient Client => _engine.Client;

    private DateTimeOffset Now => _engine.Time.GetUtcNow();

    public async Task<RotationResult> ExecuteAsync()
    {
        await StepAsync("ReadState", ReadStateAsync).ConfigureAwait(false);
        Result.Resumed = _state is not (RotationState.Start or RotationState.Done);

        // A staged rotation stays staged: only a Finish run revokes the old key, so a plain run (a nightly batch, say)
        // never revokes it before the deploy that Finish is waiting for.
        RotationIntent intent = _request.Intent == RotationIntent.Rotate && _journal is { Staged: true } ? RotationIntent.Prepare : _request.Intent;
        if (_state == RotationState.Start && (intent is RotationIntent.Rotate or RotationIntent.Prepare) && _request.MaxAge is { } maxAge && NotDue(maxAge))
        {
            return Report();
        }

        while (true)
        {
            _ct.ThrowIfCancellationRequested();
            RotationMove move = RotationMachine.Next(_state, intent, SetOutsideTheRotation);
            switch (move.Work)
            {
                case RotationWork.Report:
                    return Report();
                case RotationWork.ForgetLostMint:
                    ReportOrphan(_journal!.TokenName, "an earlier run died while minting");
                    await StepAsync(intent == RotationIntent.Abort ? "IdleJournal" : "ForgetLostMint", () => IdleJournalAsync(intent == RotationIntent.Abort ? "Aborted" : "MintLost")).ConfigureAwait(false);
                    break;
                case RotationWork.Mint:
                    await MintAsync().ConfigureAwait(false);
                    break;
                case RotationWork.Promote:
                    await PromoteAsync().ConfigureAwait(false);
                    break;
                case RotationWork.ClearPending:
                    await StepAsync("ClearPending", () => ClearKeyHelperAsync(_names.Pending)).ConfigureAwait(false);
                    _pending = null;
                    break;
                case RotationWork.HandOff:
                    await HandOffAsync().ConfigureAwait(false);
                    _engine.Narrate(
                        $"Prepared{(_request.Intent == RotationIntent.Rotate ? " by an earlier Prepare run" : string.Empty)}: {_current.Fingerprint} is current, {_previous!.Fingerprint} is kept as '{_names.Previous}'. A Finish run revokes it.");
                    Result.AwaitingFinish = true;
                    return Report();
                case RotationWork.Retire:
                    await HandOffAsync().ConfigureAwait(false);
                    await RevokeOldAsync().ConfigureAwait(false);
                    break;
                case RotationWork.CleanUp:
                    await CleanUpAsync().ConfigureAwait(false);
                    break;
                case RotationWork.DiscardPending:
                    await DiscardPendingAsync().ConfigureAwait(false);
                    break;
                case RotationWork.Abandon:
                    await AbandonAsync().ConfigureAwait(false);
                    break;
                case RotationWork.RefuseAbort:
                    throw Fail(RotationFailure.AbortTooLate, $"The new key is already current in '{_names.Secret}' ({_state}); aborting would revoke a key in use. Finish the rotation instead.");
            }

            Move(move.To);
        }
    }

    public async Task<T> StepAsync<T>(string name, Func<Task<T>> body, Func<T, string>? outcome = null)
    {
        DateTimeOffset started = Now;
        long start = _engine.Time.GetTimestamp();
        _engine.Narrate($"{name}: {_names.Secret} in vault '{Vault.Name}'.");
        try
        {
            T value = await body().ConfigureAwait(false);
            Result.Steps.Add(new RotationStep(name, started, _engine.Time.GetElapsedTime(start), outcome?.Invoke(value) ?? "Done"));
            return value;
        }
        catch (Exception e)
        {
            Result.Steps.Add(new RotationStep(name, started, _engine.Time.GetElapsedTime(start), "Failed: " + e.GetType().Name));
            throw;
        }
    }

    /// <summary>Records where the rotation stands when an error that is not a rotation failure ends the run.</summary>
    public void Stopped() => Result.State = _state;

    public PplxRotationException Fail(RotationFailure reason, string message, Exception? inner = null)
    {
        Result.State = _state;
        return new PplxRotationException(reason, message, Result, inner);
    }

    private Task<bool> StepAsync(string name, Func<Task> body) => StepAsync(name, async () =>
    {
        await body().ConfigureAwait(false);
        return true;
    });

    private RotationResult Report()
    {
        if (_state == RotationState.Start && !Result.Resumed && _request.Intent is RotationIntent.Finish or RotationIntent.Abort)
        {
            _engine.Narrate($"No rotation of '{_names.Secret}' is under way; nothing to {(_request.Intent == RotationIntent.Finish ? "finish" : "abort")}.");
        }

        Result.State = _state;
        Result.OldFingerprint ??= _previous?.Fingerprint ?? _journal?.OldFingerprint;
        Result.NewFingerprint ??= _journal?.NewFingerprint;
        return Result;
    }

    private void Move(RotationState to)
    {
        _engine.Narrate($"{_names.Secret}: {_state} -> {to}.");
        _state = RotationMachine.Move(_state, to);
    }

    private void ReportOrphan(string tokenName, string why)
    {
        if (!Result.PossibleOrphans.Contains(tokenName))
        {
            Result.PossibleOrphans.Add(tokenName);
        }

        _engine.Narrate($"A key may exist under the token name '{tokenName}' ({why}); find it in the Perplexity portal and revoke it if unused.");
    }
}
