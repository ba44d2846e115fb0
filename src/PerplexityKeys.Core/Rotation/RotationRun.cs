using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using PerplexityKeys.Core.Api;
using PerplexityKeys.Core.Model;
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

    private ApiKey _current = null!;
    private ApiKey? _pending;
    private ApiKey? _previous;
    private RotationJournal? _journal;
    private RotationState _state;

    public RotationRun(RotationEngine engine, RotationRequest request, CancellationToken ct)
    {
        _engine = engine;
        _request = request;
        _ct = ct;
        _names = RotationNames.Of(request.SecretName);
        Result = new RotationResult { Vault = engine.Vault.Name, SecretName = _names.Secret };
    }

    public RotationResult Result { get; }

    private ISecretVault Vault => _engine.Vault;

    private PplxClient Client => _engine.Client;

    private DateTimeOffset Now => _engine.Time.GetUtcNow();

    public async Task<RotationResult> ExecuteAsync()
    {
        await StepAsync("ReadState", ReadStateAsync).ConfigureAwait(false);
        Result.Resumed = _state is not (RotationState.Start or RotationState.Done);
        if (_request.Abort)
        {
            await AbortAsync().ConfigureAwait(false);
            return Finish();
        }

        if (_request.Stage == RotationStage.Finish && _state == RotationState.Start)
        {
            _engine.Narrate($"No rotation of '{_names.Secret}' is under way; nothing to finish.");
            return Finish();
        }

        while (true)
        {
            _ct.ThrowIfCancellationRequested();
            switch (_state)
            {
                case RotationState.Minting:
                    ReportOrphan(_journal!.TokenName, "an earlier run died while minting");
                    await StepAsync("ForgetLostMint", () => IdleJournalAsync("MintLost")).ConfigureAwait(false);
                    Move(RotationState.Start);
                    break;
                case RotationState.Start:
                    await MintAsync().ConfigureAwait(false);
                    break;
                case RotationState.Minted:
                    await PromoteAsync().ConfigureAwait(false);
                    break;
                case RotationState.Promoted:
                    await StepAsync("ClearPending", () => ClearKeyHelperAsync(_names.Pending)).ConfigureAwait(false);
                    _pending = null;
                    Move(RotationState.Propagating);
                    break;
                case RotationState.Propagating:
                    await HandOffAsync().ConfigureAwait(false);
                    if (_request.Stage == RotationStage.Prepare || (_journal!.Staged && _request.Stage == RotationStage.All))
                    {
                        // A staged rotation stays staged: only -Stage Finish revokes the old key, so a plain run
                        // (a nightly batch, say) never revokes it before the deploy that Finish is waiting for.
                        _engine.Narrate(
                            $"Prepared{(_request.Stage == RotationStage.All ? " by an earlier -Stage Prepare" : string.Empty)}: {_current.Fingerprint} is current, {_previous!.Fingerprint} is kept as '{_names.Previous}'. Run with -Stage Finish to revoke it.");
                        Result.AwaitingFinish = true;
                        return Finish();
                    }

                    await RevokeOldAsync().ConfigureAwait(false);
                    break;
                case RotationState.Revoked:
                    await StepAsync("ClearPrevious", () => ClearKeyHelperAsync(_names.Previous)).ConfigureAwait(false);
                    await StepAsync("IdleJournal", () => IdleJournalAsync("Done")).ConfigureAwait(false);
                    _previous = null;
                    Move(RotationState.Done);
                    break;
                default:
                    return Finish();
            }
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

    private RotationResult Finish()
    {
        Result.State = _state;
        Result.OldFingerprint ??= _previous?.Fingerprint ?? _journal?.OldFingerprint;
        Result.NewFingerprint ??= _journal?.NewFingerprint;
        return Result;
    }

    private void Move(RotationState to)
    {
        _engine.Narrate($"{_names.Secret}: {_state} -> {to}.");
        _state = RotationTransitions.Move(_state, to);
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
