using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using PerplexityKeys.Core.Api;
using PerplexityKeys.Core.Model;
using PerplexityKeys.Core.Vault;

namespace PerplexityKeys.Core.Rotation;

/// <summary>
/// Rotates the key in one secret with zero downtime (see shared/rotation.md). The state is read
/// from the vault on every run, so a run that died anywhere is finished by running it again.
/// </summary>
public sealed class RotationEngine
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

    private static readonly ApiKey IdleKey = ApiKey.Create(IdleValue);

    private readonly PplxClient _client;
    private readonly ISecretVault _vault;
    private readonly TimeProvider _time;
    private readonly Action<string> _narrate;

    /// <summary>Creates an engine for one vault.</summary>
    public RotationEngine(PplxClient client, ISecretVault vault, TimeProvider time, Action<string>? narrate = null)
    {
        _client = client;
        _vault = vault;
        _time = time;
        _narrate = narrate ?? (_ => { });
    }

    /// <summary>How long a run waits for another rotation in the same vault on this machine.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long another process may go on seeing a vault's old content after a write (SecretStore reloads its
    /// per-process cache about 5 s after a change). A run starts writing only this long after another process's last write.
    /// </summary>
    public TimeSpan CacheWindow { get; init; }

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
    public static string SiblingName(string secretName, string suffix)
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

    /// <summary>
    /// The result of the latest <see cref="RunAsync"/>, as far as it got: also when it failed with an error that is not a
    /// <see cref="PplxRotationException"/> (a vault that stayed locked, say), so the caller can still report and audit it.
    /// </summary>
    public RotationResult? LastResult { get; private set; }

    /// <summary>Runs the rotation as far as <see cref="RotationRequest.Stage"/> asks.</summary>
    /// <exception cref="PplxRotationException">The rotation stopped; its Result says where it stands.</exception>
    public async Task<RotationResult> RunAsync(RotationRequest request, CancellationToken cancellationToken)
    {
        var run = new Run(this, request, cancellationToken);
        LastResult = run.Result;
        using RotationLock? held = await run.StepAsync("Lock", () => RotationLock.AcquireAsync(_vault.Name, LockTimeout, CacheWindow, _time, cancellationToken)).ConfigureAwait(false);
        if (held is null)
        {
            throw run.Fail(RotationFailure.LockTimeout, $"Another rotation in vault '{_vault.Name}' on this machine (one writer per vault at a time) held the lock for {LockTimeout.TotalSeconds:0} s. Try again when it has finished.");
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

    /// <summary>One run: the request, the names, what the vault holds, and the steps taken.</summary>
    private sealed class Run
    {
        private readonly RotationEngine _engine;
        private readonly RotationRequest _request;
        private readonly CancellationToken _ct;
        private readonly string _s;
        private readonly string _p;
        private readonly string _q;
        private readonly string _j;

        private ApiKey _current = null!;
        private ApiKey? _pending;
        private ApiKey? _previous;
        private RotationJournal? _journal;
        private RotationState _state;

        public Run(RotationEngine engine, RotationRequest request, CancellationToken ct)
        {
            _engine = engine;
            _request = request;
            _ct = ct;
            _s = request.SecretName;
            _p = SiblingName(_s, PendingSuffix);
            _q = SiblingName(_s, PreviousSuffix);
            _j = SiblingName(_s, JournalSuffix);
            Result = new RotationResult { Vault = engine._vault.Name, SecretName = _s };
        }

        public RotationResult Result { get; }

        private ISecretVault Vault => _engine._vault;

        private PplxClient Client => _engine._client;

        private DateTimeOffset Now => _engine._time.GetUtcNow();

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
                _engine._narrate($"No rotation of '{_s}' is under way; nothing to finish.");
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
                        await StepAsync("ClearPending", () => ClearKeyHelperAsync(_p)).ConfigureAwait(false);
                        _pending = null;
                        Move(RotationState.Propagating);
                        break;
                    case RotationState.Propagating:
                        await HandOffAsync().ConfigureAwait(false);
                        if (_request.Stage == RotationStage.Prepare || (_journal!.Staged && _request.Stage == RotationStage.All))
                        {
                            // A staged rotation stays staged: only -Stage Finish revokes the old key, so a plain run
                            // (a nightly batch, say) never revokes it before the deploy that Finish is waiting for.
                            _engine._narrate(
                                $"Prepared{(_request.Stage == RotationStage.All ? " by an earlier -Stage Prepare" : string.Empty)}: {_current.Fingerprint} is current, {_previous!.Fingerprint} is kept as '{_q}'. Run with -Stage Finish to revoke it.");
                            Result.AwaitingFinish = true;
                            return Finish();
                        }

                        await RevokeOldAsync().ConfigureAwait(false);
                        break;
                    case RotationState.Revoked:
                        await StepAsync("ClearPrevious", () => ClearKeyHelperAsync(_q)).ConfigureAwait(false);
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
            long start = _engine._time.GetTimestamp();
            _engine._narrate($"{name}: {_s} in vault '{Vault.Name}'.");
            try
            {
                T value = await body().ConfigureAwait(false);
                Result.Steps.Add(new RotationStep(name, started, _engine._time.GetElapsedTime(start), outcome?.Invoke(value) ?? "Done"));
                return value;
            }
            catch (Exception e)
            {
                Result.Steps.Add(new RotationStep(name, started, _engine._time.GetElapsedTime(start), "Failed: " + e.GetType().Name));
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
            _engine._narrate($"{_s}: {_state} -> {to}.");
            _state = RotationTransitions.Move(_state, to);
        }

        private void ReportOrphan(string tokenName, string why)
        {
            if (!Result.PossibleOrphans.Contains(tokenName))
            {
                Result.PossibleOrphans.Add(tokenName);
            }

            _engine._narrate($"A key may exist under the token name '{tokenName}' ({why}); find it in the Perplexity portal and revoke it if unused.");
        }

        private async Task ReadStateAsync()
        {
            _current = await Vault.GetKeyAsync(_s, _ct).ConfigureAwait(false) ?? throw new PplxSecretNotFoundException(Vault.Name, _s);
            _pending = await ReadSiblingKeyAsync(_p).ConfigureAwait(false);
            _previous = await ReadSiblingKeyAsync(_q).ConfigureAwait(false);
            string? journalText = await Vault.GetTextAsync(_j, _ct).ConfigureAwait(false);
            RotationJournal? record = RotationJournal.TryParse(journalText);
            if (journalText is not null && record is null)
            {
                throw TakenBy(_j);
            }

            if (record?.Secret is { } owner && !string.Equals(owner, _s, StringComparison.OrdinalIgnoreCase))
            {
                throw Fail(
                    RotationFailure.SiblingNameTaken,
                    $"The helper secrets '{_p}', '{_q}' and '{_j}' belong to the rotation of '{OutsideText.Escape(owner)}', another secret of vault '{Vault.Name}' whose helper names are the same. Rename one of the two secrets. Nothing was changed.");
            }

            _journal = record is { Idle: false } ? record : null;

            if (_pending is not null && (_journal is null || (_journal.NewFingerprint ?? _pending.Fingerprint) != _pending.Fingerprint))
            {
                throw TakenBy(_p);
            }

            if (_pending is not null && _journal!.NewFingerprint is null)
            {
                // The run died after storing the pending key and before journalling it.
                _journal.NewFingerprint = _pending.Fingerprint;
                await Vault.SetTextAsync(_j, _journal.ToJson(), _ct).ConfigureAwait(false);
            }

            if (_previous is not null && _journal?.OldFingerprint != _previous.Fingerprint)
            {
                throw TakenBy(_q);
            }

            Result.RunId = _journal?.RunId;
            Result.OldFingerprint = _journal?.OldFingerprint ?? _current.Fingerprint;
            Result.NewFingerprint = _journal?.NewFingerprint;
            _state = Derive();
            if (_state == RotationState.Start && _journal is not null)
            {
                // A journal with nothing left to guard (a rollback or abort that died cleaning up, or S put back to its old
                // key by hand or by a lost write). A new key it names that S does not hold is kept nowhere: report it.
                if (_journal.NewFingerprint is { } minted && minted != _current.Fingerprint)
                {
                    ReportOrphan(_journal.TokenName, $"{minted} was minted for this secret but is not its value");
                }

                if (_previous is not null)
                {
                    await ClearKeyHelperAsync(_q).ConfigureAwait(false);
                }

                await IdleJournalAsync("Cleared").ConfigureAwait(false);
                _previous = null;
                Result.OldFingerprint = _current.Fingerprint;
                Result.NewFingerprint = null;
            }

            if (SetOutsideTheRotation)
            {
                ReportOrphan(
                    _journal!.TokenName,
                    $"{_journal.NewFingerprint} was made current by this rotation, but '{_s}' now holds {_current.Fingerprint}, set outside it, so the rotation's key is kept nowhere; revoke it with Revoke-PplxToken once nothing uses it");
            }

            _engine._narrate($"{_s} in '{Vault.Name}': {_state} (current {_current.Fingerprint}).");
        }

        /// <summary>
        /// After the promotion, S holds neither the rotation's key nor the old one: someone set a third key by hand. Either
        /// key may still be in use somewhere, so neither is revoked for it; the run retires the old key as planned (S holds
        /// a working key that is not it) and reports its own.
        /// </summary>
        private bool SetOutsideTheRotation =>
            _state is RotationState.Propagating or RotationState.Revoked && _journal?.NewFingerprint is { } made && made != _current.Fingerprint;

        private RotationState Derive()
        {
            if (_journal is null)
            {
                return RotationState.Start;
            }

            if (_pending is not null)
            {
                return _pending.Equals(_current) ? RotationState.Promoted : RotationState.Minted;
            }

            if (_previous is not null)
            {
                return _previous.Equals(_current) ? RotationState.Start
                    : _journal.OldRevoked ? RotationState.Revoked
                    : RotationState.Propagating;
            }

            if (_journal.NewFingerprint is null)
            {
                return RotationState.Minting;
            }

            // Only the journal is left: the run finished all but its last step, or it was undone
            // (or died before storing its pending key: then the key may live on under the token name).
            if (_journal.NewFingerprint == _current.Fingerprint && _journal.OldRevoked)
            {
                return RotationState.Revoked;
            }

            if (_journal.NewFingerprint != _current.Fingerprint)
            {
                ReportOrphan(_journal.TokenName, $"{_journal.NewFingerprint} was minted but never kept");
            }

            return RotationState.Start;
        }

        private async Task<ApiKey?> ReadSiblingKeyAsync(string name)
        {
            try
            {
                ApiKey? key = await Vault.GetKeyAsync(name, _ct).ConfigureAwait(false);
                return IdleKey.Equals(key) ? null : key;
            }
            catch (Exception e) when (e is PplxSecretTypeException or PplxKeyFormatException)
            {
                throw TakenBy(name);
            }
        }

        private PplxRotationException TakenBy(string name) => Fail(
            RotationFailure.SiblingNameTaken,
            $"The vault '{Vault.Name}' holds a secret named '{name}' that this module did not write; it uses that name for rotating '{_s}'. Rename or remove it, then run again. Nothing was changed.");

        private async Task MintAsync()
        {
            string runId = Guid.NewGuid().ToString("N").Substring(0, 8);
            string stamp = Now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
            // <vault>/<secret>/<time>/<run id>: enough to find the key in the portal if its answer is lost.
            // Names come from outside: escaped, they hold nothing invisible, and the name passes -TokenName's own rules.
            string prefix = $"{OutsideText.Escape(Vault.Name)}/{OutsideText.Escape(_s)}".Trim();
            prefix = prefix.Length > 200 ? prefix.Substring(0, 200) : prefix;
            var journal = new RotationJournal
            {
                Kind = RotationJournal.Marker,
                RunId = runId,
                TokenName = TokenNamePolicy.Validate($"{prefix}/{stamp}/{runId}"),
                OldFingerprint = _current.Fingerprint,
                StartedAt = Now,
                Secret = _s,
                Staged = _request.Stage == RotationStage.Prepare,
            };
            Result.RunId = runId;
            Result.OldFingerprint = _current.Fingerprint;

            // The journal goes first: if this run dies during the mint, the next one can name the key.
            await StepAsync("WriteJournal", () => Vault.SetTextAsync(_j, journal.ToJson(), _ct)).ConfigureAwait(false);
            _journal = journal;
            ApiKey authorizer = _request.AuthorizingKey ?? _current;
            MintedToken minted;
            try
            {
                minted = await StepAsync("Mint", () => Client.GenerateTokenAsync(authorizer, journal.TokenName, null, _ct), m => m.Key.Fingerprint).ConfigureAwait(false);
            }
            catch (PplxMintOutcomeUnknownException e)
            {
                ReportOrphan(journal.TokenName, "the mint's answer was lost");
                _state = RotationState.Minting;
                throw Fail(RotationFailure.MintOutcomeUnknown, $"{e.Message} Running the command again reports it and starts a new rotation.", e);
            }
            catch (PplxException e) when (e is not PplxRotationException)
            {
                await IdleJournalAsync("MintFailed").ConfigureAwait(false);
                string hint = e is PplxUnauthorizedException && _request.AuthorizingKey is null
                    ? $" The key in '{_s}' ({_current.Fingerprint}) was refused, so it cannot authorize its own rotation, and running again will not help: pass a master key that works (-ApiKeySecretName with -ApiKeyVault, or -ApiKey), and put a working key into '{_s}' if services use it."
                    : string.Empty;
                throw Fail(RotationFailure.Interrupted, $"The mint for '{_s}' failed; nothing was changed. {e.Message}{hint}", e);
            }

            ApiKey fresh = minted.Key;
            Result.NewFingerprint = fresh.Fingerprint;
            try
            {
                await StepAsync("StorePending", () => Vault.SetKeyAsync(_p, fresh, _ct)).ConfigureAwait(false);
            }
            catch (PplxVaultTimeoutException)
            {
                // The write may still land (then a re-run resumes from the pending key), or never: name the key either way.
                ReportOrphan(journal.TokenName, $"its write to '{_p}' did not return");
                _state = RotationState.Minting;
                throw;
            }
            catch (PplxVaultException e) when (e is not PplxVaultTimeoutException)
            {
                await DiscardAsync(fresh, authorizer, journal.TokenName).ConfigureAwait(false);
                await TryAsync(async () =>
                {
                    await ClearKeyHelperAsync(_p).ConfigureAwait(false);
                    await IdleJournalAsync("RolledBack").ConfigureAwait(false);
                }).ConfigureAwait(false);
                _state = RotationState.RolledBack;
                throw Fail(RotationFailure.RolledBack, $"The new key {fresh.Fingerprint} could not be stored as '{_p}' ({e.Message}); it was revoked and '{_s}' is unchanged.", e);
            }

            ApiKey? readBack = await StepAsync("VerifyPending", () => Vault.GetKeyAsync(_p, _ct)).ConfigureAwait(false);
            if (!fresh.Equals(readBack))
            {
                // No compare-and-swap in SecretManagement: another run (another machine) wrote after us.
                await DiscardAsync(fresh, authorizer, journal.TokenName).ConfigureAwait(false);
                _state = RotationState.Start;
                throw Fail(RotationFailure.Conflict, $"'{_p}' does not hold the key this run stored ({fresh.Fingerprint}): another rotation of '{_s}' is under way. This run's key was revoked; run again to carry the other rotation on.");
            }

            journal.NewFingerprint = fresh.Fingerprint;
            await StepAsync("WriteJournal", () => Vault.SetTextAsync(_j, journal.ToJson(), _ct)).ConfigureAwait(false);
            await Vault.TrySetMetadataAsync(_p, Metadata(fresh, minted.CreatedAt, journal), _ct).ConfigureAwait(false);
            _pending = fresh;
            Move(RotationState.Minted);
        }

        private async Task PromoteAsync()
        {
            ApiKey fresh = _pending!;
            ApiKey old = _current;
            ProbeResult probe = await StepAsync("ProbeNew", () => Client.ProbeAsync(fresh, _request.Probe, _request.Model, null, _ct), p => p.Status.ToString()).ConfigureAwait(false);

            // Roll back only on positive evidence that the new key is bad: a 401 from a live path, or the model missing.
            // A 403 (billing, policy, a retired path) or any other answer would refuse the old key as well: stop and keep both.
            if (probe.ProvesUnusable)
            {
                await DiscardAsync(fresh, _request.AuthorizingKey ?? old, _journal!.TokenName).ConfigureAwait(false);
                await StepAsync("ClearPending", () => ClearKeyHelperAsync(_p)).ConfigureAwait(false);
                await StepAsync("IdleJournal", () => IdleJournalAsync("RolledBack")).ConfigureAwait(false);
                Move(RotationState.RolledBack);
                throw Fail(RotationFailure.RolledBack, $"The new key {fresh.Fingerprint} failed its probe ({probe.Status}: {probe.Message}); it was revoked and '{_s}' still holds {old.Fingerprint}.");
            }

            if (probe.Status != TokenStatus.Valid)
            {
                throw Fail(RotationFailure.Interrupted, $"The new key {fresh.Fingerprint} could not be proven ({probe.Status}: {probe.Message}). Nothing was lost: run the same command again to resume.");
            }

            if (!await JournalIsStillOursAsync().ConfigureAwait(false))
            {
                await DiscardAsync(fresh, _request.AuthorizingKey ?? old, _journal!.TokenName).ConfigureAwait(false);
                throw Fail(
                    RotationFailure.Conflict,
                    $"Another rotation of '{_s}' (another machine?) took over '{_j}' since this run read it: this run's key {fresh.Fingerprint} was revoked and '{_s}' still holds {old.Fingerprint}. Run again to carry the other rotation on.");
            }

            if (_previous is null)
            {
                if (_journal!.OldFingerprint != old.Fingerprint)
                {
                    // S was set by hand since this rotation began: the key it holds now is the one being replaced. The
                    // journal says so before it is kept as previous, or the next run would not recognise that helper.
                    _engine._narrate($"'{_s}' holds {old.Fingerprint} now, not {_journal.OldFingerprint} as when this rotation began; it is the key this rotation replaces.");
                    _journal.OldFingerprint = old.Fingerprint;
                    Result.OldFingerprint = old.Fingerprint;
                    await StepAsync("WriteJournal", () => Vault.SetTextAsync(_j, _journal.ToJson(), _ct)).ConfigureAwait(false);
                }

                await StepAsync("StorePrevious", () => Vault.SetKeyAsync(_q, old, _ct)).ConfigureAwait(false);
                ApiKey? kept = await StepAsync("VerifyPrevious", () => Vault.GetKeyAsync(_q, _ct)).ConfigureAwait(false);
                if (!old.Equals(kept))
                {
                    throw Fail(RotationFailure.Interrupted, $"'{_q}' did not read back as {old.Fingerprint}; '{_s}' is unchanged. Run again to resume.");
                }

                _previous = old;
            }

            Exception? failure = null;
            try
            {
                await StepAsync("Promote", () => Vault.SetKeyAsync(_s, fresh, _ct)).ConfigureAwait(false);
                ApiKey? now = await StepAsync("VerifyCurrent", () => Vault.GetKeyAsync(_s, _ct)).ConfigureAwait(false);
                if (!fresh.Equals(now))
                {
                    failure = new PplxVaultOperationException($"'{_s}' read back as {now?.Fingerprint ?? "nothing"}, not {fresh.Fingerprint}.", Vault.Name, _s);
                }
            }
            catch (PplxVaultException e) when (e is not PplxVaultTimeoutException)
            {
                failure = e;
            }

            if (failure is not null)
            {
                await RollBackAsync(fresh, old, failure).ConfigureAwait(false);
            }

            _current = fresh;
            _journal!.PromotedAt = Now;
            await StepAsync("WriteJournal", () => Vault.SetTextAsync(_j, _journal.ToJson(), _ct)).ConfigureAwait(false);
            await Vault.TrySetMetadataAsync(_s, Metadata(fresh, Now, _journal), _ct).ConfigureAwait(false);
            Move(RotationState.Promoted);
        }

        private async Task RollBackAsync(ApiKey fresh, ApiKey old, Exception cause)
        {
            try
            {
                await StepAsync("RestoreCurrent", () => Vault.SetKeyAsync(_s, old, _ct)).ConfigureAwait(false);
                ApiKey? restored = await StepAsync("VerifyRestored", () => Vault.GetKeyAsync(_s, _ct)).ConfigureAwait(false);
                if (!old.Equals(restored))
                {
                    throw new PplxVaultOperationException($"'{_s}' read back as {restored?.Fingerprint ?? "nothing"} after restoring {old.Fingerprint}.", Vault.Name, _s);
                }
            }
            catch (PplxVaultException e) when (e is not PplxVaultTimeoutException)
            {
                throw Fail(
                    RotationFailure.RollbackFailed,
                    $"Writing {fresh.Fingerprint} to '{_s}' failed ({cause.Message}), and so did restoring {old.Fingerprint} ({e.Message}). '{_p}' ({fresh.Fingerprint}) and '{_q}' ({old.Fingerprint}) are left in place: fix the vault and run the same command again.",
                    e);
            }

            await DiscardAsync(fresh, _request.AuthorizingKey ?? old, _journal!.TokenName).ConfigureAwait(false);
            await TryAsync(async () =>
            {
                await ClearKeyHelperAsync(_p).ConfigureAwait(false);
                await ClearKeyHelperAsync(_q).ConfigureAwait(false);
                await IdleJournalAsync("RolledBack").ConfigureAwait(false);
            }).ConfigureAwait(false);
            _current = old;
            Move(RotationState.RolledBack);
            throw Fail(RotationFailure.RolledBack, $"The new key {fresh.Fingerprint} could not be made current ({cause.Message}); '{_s}' holds {old.Fingerprint} again and the new key was revoked.", cause);
        }

        private async Task HandOffAsync()
        {
            if (_request.OnNewToken is not null && !_journal!.HandedOff)
            {
                try
                {
                    await StepAsync("HandOff", () => _request.OnNewToken(_current, new MintedTokenInfo(_journal.TokenName, _journal.RunId), _ct)).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    throw Fail(RotationFailure.Interrupted, $"The hand-off of {_current.Fingerprint} (-OnNewToken) failed: {ApiErrorMapper.Redact(e.Message)} The new key is current and the old one still works; run again to retry the hand-off and finish.", e);
                }

                _journal.HandedOff = true;
                await StepAsync("WriteJournal", () => Vault.SetTextAsync(_j, _journal.ToJson(), _ct)).ConfigureAwait(false);
            }
        }

        private async Task RevokeOldAsync()
        {
            ApiKey fresh = _current;
            ApiKey old = _previous!;
            TimeSpan wait = (_journal!.PromotedAt ?? Now) + _request.PropagationDelay - Now;
            if (wait > TimeSpan.Zero)
            {
                await StepAsync("Propagate", () => _engine._time.Delay(wait, _ct)).ConfigureAwait(false);
            }

            ProbeResult probe = await StepAsync("ProbeNewAgain", () => Client.ProbeAsync(fresh, _request.Probe, _request.Model, null, _ct), p => p.Status.ToString()).ConfigureAwait(false);
            if (probe.Status != TokenStatus.Valid)
            {
                throw Fail(RotationFailure.Interrupted, $"The current key {fresh.Fingerprint} did not pass its probe before the old key's revocation ({probe.Status}: {probe.Message}); {old.Fingerprint} was NOT revoked and is kept as '{_q}'. Run again to resume.");
            }

            // Never revoke a key that is still the vault's current value.
            ApiKey? current = await StepAsync("VerifyCurrent", () => Vault.GetKeyAsync(_s, _ct)).ConfigureAwait(false);
            if (current is null || current.Equals(old))
            {
                throw Fail(RotationFailure.Interrupted, $"'{_s}' holds {current?.Fingerprint ?? "nothing"} now; the old key {old.Fingerprint} is not revoked. Check the vault, then run again.");
            }

            if (!current.Equals(fresh))
            {
                // Another run (another machine) made its own key current after this one did: this run's key is kept
                // nowhere, so it is revoked (or reported by name), and the old key is left to the run that won.
                await DiscardAsync(fresh, _request.AuthorizingKey ?? current, _journal.TokenName).ConfigureAwait(false);
                throw Fail(
                    RotationFailure.Conflict,
                    $"'{_s}' holds {current.Fingerprint}, another rotation's key, not this run's {fresh.Fingerprint} (another machine?): this run's key was revoked and {old.Fingerprint} was NOT revoked. Run again to carry the other rotation on.");
            }

            // A run that revoked the old key but could not verify it must not depend on how the API answers a second
            // revocation of a revoked key (404, 400 or 401 are all plausible): a 401 for the old key already proves it gone.
            ProbeResult before = await StepAsync("ProbeOld", () => Client.ProbeAsync(old, ProbeKind.Free, null, _ct), p => p.Status.ToString()).ConfigureAwait(false);
            if (before.ProvesInvalid)
            {
                _engine._narrate($"{old.Fingerprint} is already revoked (GET /v1/models answered 401).");
                await MarkOldRevokedAsync().ConfigureAwait(false);
                return;
            }

            if (!await JournalIsStillOursAsync().ConfigureAwait(false))
            {
                // This run's key is current (checked above), but the other run may still make its own current: then this
                // key is kept nowhere. It cannot be revoked while current, so it is reported by its token name.
                ReportOrphan(_journal.TokenName, $"{fresh.Fingerprint} is current now, but another rotation of '{_s}' is under way and may replace it");
                throw Fail(
                    RotationFailure.Conflict,
                    $"Another rotation of '{_s}' (another machine?) took over '{_j}' since this run read it; {fresh.Fingerprint} is current and {old.Fingerprint} was NOT revoked. Run again to carry the other rotation on.");
            }

            ApiKey authorizer = _request.AuthorizingKey ?? fresh;
            try
            {
                await StepAsync("RevokeOld", () => Client.RevokeTokenAsync(authorizer, old, null, _ct), o => o.ToString()).ConfigureAwait(false);
            }
            catch (PplxNotFoundException)
            {
                _engine._narrate($"{old.Fingerprint} was already revoked.");
            }
            catch (PplxException e) when (e is not PplxRotationException)
            {
                throw Fail(RotationFailure.Interrupted, $"Revoking the old key {old.Fingerprint} failed: {e.Message} The new key is current; run again to finish.", e);
            }

            // Trust, then verify: an answer of 200 from something that is not the API revokes nothing. Only a 401 from
            // GET /v1/models proves the old key gone; any other answer (a retired path, 5xx, 429, HTML) proves nothing.
            ProbeResult gone = await StepAsync("VerifyOldRevoked", () => Client.ProbeAsync(old, ProbeKind.Free, null, _ct), p => p.Status.ToString()).ConfigureAwait(false);
            if (!gone.ProvesInvalid)
            {
                throw Fail(
                    RotationFailure.Interrupted,
                    gone.Status == TokenStatus.Valid
                        ? $"The revocation of the old key {old.Fingerprint} was answered as done, but the key still works; it is kept as '{_q}'. Run again to revoke it."
                        : $"The revocation of the old key {old.Fingerprint} could not be verified ({gone.Status}: {gone.Message}); it is kept as '{_q}'. Run again to finish.");
            }

            await MarkOldRevokedAsync().ConfigureAwait(false);
        }

        private async Task MarkOldRevokedAsync()
        {
            _journal!.OldRevoked = true;
            await StepAsync("WriteJournal", () => Vault.SetTextAsync(_j, _journal.ToJson(), _ct)).ConfigureAwait(false);
            Move(RotationState.Revoked);
        }

        private async Task AbortAsync()
        {
            switch (_state)
            {
                case RotationState.Start:
                    _engine._narrate($"No rotation of '{_s}' is under way; nothing to abort.");
                    return;
                case RotationState.Minting:
                    ReportOrphan(_journal!.TokenName, "an earlier run died while minting");
                    await StepAsync("IdleJournal", () => IdleJournalAsync("Aborted")).ConfigureAwait(false);
                    Move(RotationState.Aborted);
                    return;
                case RotationState.Minted:
                    await DiscardAsync(_pending!, _request.AuthorizingKey ?? _current, _journal!.TokenName).ConfigureAwait(false);
                    if (_previous is not null)
                    {
                        await StepAsync("ClearPrevious", () => ClearKeyHelperAsync(_q)).ConfigureAwait(false);
                    }

                    await StepAsync("ClearPending", () => ClearKeyHelperAsync(_p)).ConfigureAwait(false);
                    await StepAsync("IdleJournal", () => IdleJournalAsync("Aborted")).ConfigureAwait(false);
                    Move(RotationState.Aborted);
                    return;
                case RotationState.Propagating or RotationState.Revoked when SetOutsideTheRotation:
                    if (_state == RotationState.Propagating)
                    {
                        ReportOrphan(_previous!.Fingerprint, $"the key '{_s}' held before this rotation is kept nowhere once it is aborted; it was not revoked");
                    }

                    if (_previous is not null)
                    {
                        await StepAsync("ClearPrevious", () => ClearKeyHelperAsync(_q)).ConfigureAwait(false);
                    }

                    await StepAsync("IdleJournal", () => IdleJournalAsync("Aborted")).ConfigureAwait(false);
                    Move(RotationState.Aborted);
                    return;
                default:
                    throw Fail(RotationFailure.AbortTooLate, $"The new key is already current in '{_s}' ({_state}); aborting would revoke a key in use. Run with -Stage Finish to complete the rotation instead.");
            }
        }

        /// <summary>Revokes a key this run minted and will not keep; a key that cannot be revoked is reported by name.</summary>
        private async Task DiscardAsync(ApiKey key, ApiKey authorizer, string tokenName)
        {
            try
            {
                await StepAsync("RevokeNew", () => Client.RevokeTokenAsync(authorizer, key, null, _ct), o => o.ToString()).ConfigureAwait(false);
            }
            catch (PplxException e) when (e is not PplxNotFoundException)
            {
                ReportOrphan(tokenName, $"{key.Fingerprint} could not be revoked");
                return;
            }
            catch (PplxNotFoundException)
            {
                // "Unknown or already revoked" is no proof on its own (a gateway's 404 page says the same): checked below.
            }

            // Positive evidence only: the key is gone when GET /v1/models answers it 401; otherwise it is reported by name.
            ProbeResult gone = await StepAsync("VerifyNewRevoked", () => Client.ProbeAsync(key, ProbeKind.Free, null, _ct), p => p.Status.ToString()).ConfigureAwait(false);
            if (!gone.ProvesInvalid)
            {
                ReportOrphan(tokenName, $"{key.Fingerprint} could not be proven revoked ({gone.Status})");
            }
        }

        /// <summary>
        /// Whether the journal still names this run. SecretManagement has no compare-and-swap, so a run on another
        /// machine may have started its own rotation since this one read the vault; checked before promoting and before revoking.
        /// </summary>
        private async Task<bool> JournalIsStillOursAsync()
        {
            string? text = await StepAsync("CheckJournal", () => Vault.GetTextAsync(_j, _ct)).ConfigureAwait(false);
            RotationJournal? now = RotationJournal.TryParse(text);
            return now is { Idle: false } && now.RunId == _journal!.RunId;
        }

        /// <summary>Sets a key helper to <see cref="IdleValue"/>: helpers are overwritten, never deleted (see docs/rotation.md).</summary>
        private Task ClearKeyHelperAsync(string name) => Vault.SetTextAsync(name, IdleValue, _ct);

        /// <summary>Replaces the journal with the idle record of how this rotation ended; the run holds no journal after it.</summary>
        private async Task IdleJournalAsync(string outcome)
        {
            RotationJournal? journal = _journal;
            if (journal is not null)
            {
                await Vault.SetTextAsync(_j, journal.ToIdle(outcome, Now).ToJson(), _ct).ConfigureAwait(false);
            }

            _journal = null;
        }

        /// <summary>
        /// Clean-up after a rollback, in order, stopping at the first failure: the journal is made idle only once every
        /// helper is, so a helper left holding a key always has a journal that claims it, and the next run finishes the
        /// clean-up (an idle journal beside a busy helper would block the secret for good).
        /// </summary>
        private static async Task TryAsync(Func<Task> cleanup)
        {
            try
            {
                await cleanup().ConfigureAwait(false);
            }
            catch (PplxVaultException)
            {
                // What is left is recognised and cleared by the next run.
            }
        }

        private static Dictionary<string, string> Metadata(ApiKey key, DateTimeOffset created, RotationJournal journal) => new()
        {
            ["PplxFingerprint"] = key.Fingerprint,
            ["PplxTokenName"] = journal.TokenName,
            ["PplxCreatedAt"] = created.UtcDateTime.ToString("o", CultureInfo.InvariantCulture),
            ["PplxRotatedFrom"] = journal.OldFingerprint,
        };
    }
}
