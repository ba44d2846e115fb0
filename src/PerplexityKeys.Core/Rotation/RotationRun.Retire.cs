using PerplexityKeys.Core.Api;

namespace PerplexityKeys.Core.Rotation;

/// <summary>Propagating → Revoked: hand the new key off, wait out the propagation delay, then revoke and verify the old key.</summary>
internal sealed partial class RotationRun
{
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
                throw Fail(RotationFailure.Interrupted, $"The hand-off of {_current.Fingerprint} to its consumers failed: {ApiErrorMapper.Redact(e.Message)} The new key is current and the old one still works; run again to retry the hand-off and finish.", e);
            }

            _journal = _journal with { HandedOff = true };
            await StepAsync("WriteJournal", () => Vault.SetTextAsync(_names.Journal, _journal.ToJson(), _ct)).ConfigureAwait(false);
        }
    }

    private async Task RevokeOldAsync()
    {
        ApiKey fresh = _current;
        ApiKey old = _previous!;
        TimeSpan wait = (_journal!.PromotedAt ?? Now) + _request.PropagationDelay - Now;
        if (wait > TimeSpan.Zero)
        {
            _request.OnPropagationWait?.Invoke(Now + wait);
            await StepAsync("Propagate", () => _engine.Time.Delay(wait, _ct)).ConfigureAwait(false);
        }

        ProbeResult probe = await StepAsync("ProbeNewAgain", () => Client.ProbeAsync(fresh, _request.Probe, _request.Model, null, _ct), p => p.Status.ToString()).ConfigureAwait(false);
        if (probe.Status != TokenStatus.Valid)
        {
            throw Fail(RotationFailure.Interrupted, $"The current key {fresh.Fingerprint} did not pass its probe before the old key's revocation ({probe.Status}: {probe.Message}); {old.Fingerprint} was NOT revoked and is kept as '{_names.Previous}'. Run again to resume.");
        }

        // Never revoke a key that is still the vault's current value.
        ApiKey? current = await StepAsync("VerifyCurrent", () => Vault.GetKeyAsync(_names.Secret, _ct)).ConfigureAwait(false);
        if (current is null || current.Equals(old))
        {
            throw Fail(RotationFailure.Interrupted, $"'{_names.Secret}' holds {current?.Fingerprint ?? "nothing"} now; the old key {old.Fingerprint} is not revoked. Check the vault, then run again.");
        }

        if (!current.Equals(fresh))
        {
            // Another run (another machine) made its own key current after this one did: this run's key is kept
            // nowhere, so it is revoked (or reported by name), and the old key is left to the run that won.
            await DiscardAsync(fresh, _request.AuthorizingKey ?? current, _journal.TokenName).ConfigureAwait(false);
            throw Fail(
                RotationFailure.Conflict,
                $"'{_names.Secret}' holds {current.Fingerprint}, another rotation's key, not this run's {fresh.Fingerprint} (another machine?): this run's key was revoked and {old.Fingerprint} was NOT revoked. Run again to carry the other rotation on.");
        }

        // A run that revoked the old key but could not verify it must not depend on how the API answers a second
        // revocation of a revoked key (404, 400 or 401 are all plausible): a 401 for the old key already proves it gone.
        ProbeResult before = await StepAsync("ProbeOld", () => Client.ProbeAsync(old, ProbeKind.Free, null, _ct), p => p.Status.ToString()).ConfigureAwait(false);
        if (before.ProvesInvalid)
        {
            _engine.Narrate($"{old.Fingerprint} is already revoked (GET /v1/models answered 401).");
            await MarkOldRevokedAsync().ConfigureAwait(false);
            return;
        }

        JournalOwner owner = await JournalOwnerAsync().ConfigureAwait(false);
        if (owner != JournalOwner.ThisRun)
        {
            // This run's key is current (checked above), but another rotation may still make its own current: then this
            // key is kept nowhere. It cannot be revoked while current, so it is reported by its token name. A run that
            // carried this rotation on keeps the key itself (current when it ends, or retired as its old key).
            if (owner != JournalOwner.CarriedOn)
            {
                ReportOrphan(_journal.TokenName, $"{fresh.Fingerprint} is current now, but another rotation of '{_names.Secret}' is under way and may replace it");
            }

            throw Fail(
                RotationFailure.Conflict,
                $"Another rotation of '{_names.Secret}' (another machine?) took over '{_names.Journal}' since this run read it; {fresh.Fingerprint} is current and {old.Fingerprint} was NOT revoked. Run again to carry the other rotation on.");
        }

        ApiKey authorizer = _request.AuthorizingKey ?? fresh;
        try
        {
            await StepAsync("RevokeOld", () => Client.RevokeTokenAsync(authorizer, old, null, _ct), o => o.ToString()).ConfigureAwait(false);
        }
        catch (PplxNotFoundException)
        {
            _engine.Narrate($"{old.Fingerprint} was already revoked.");
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
                    ? $"The revocation of the old key {old.Fingerprint} was answered as done, but the key still works; it is kept as '{_names.Previous}'. Run again to revoke it."
                    : $"The revocation of the old key {old.Fingerprint} could not be verified ({gone.Status}: {gone.Message}); it is kept as '{_names.Previous}'. Run again to finish.");
        }

        await MarkOldRevokedAsync().ConfigureAwait(false);
    }

    private async Task MarkOldRevokedAsync()
    {
        _journal = _journal! with { OldRevoked = true };
        await StepAsync("WriteJournal", () => Vault.SetTextAsync(_names.Journal, _journal.ToJson(), _ct)).ConfigureAwait(false);
    }

    /// <summary>
    /// Revoked → Done: set the previous helper and the journal idle, then read S once more. Without compare-and-swap,
    /// another machine's rotation may still have made its own key current after this run's last check: then this run's
    /// key is kept nowhere, and it is reported by its token name (not revoked: services may have picked it up).
    /// </summary>
    private async Task CleanUpAsync()
    {
        string? tokenName = _journal?.TokenName;
        await StepAsync("ClearPrevious", () => ClearKeyHelperAsync(_names.Previous)).ConfigureAwait(false);
        await StepAsync("IdleJournal", () => IdleJournalAsync("Done")).ConfigureAwait(false);
        _previous = null;
        ApiKey? kept = await StepAsync("VerifyKept", () => Vault.GetKeyAsync(_names.Secret, _ct), k => k?.Fingerprint ?? "missing").ConfigureAwait(false);
        if (tokenName is not null && kept is not null && !kept.Equals(_current))
        {
            ReportOrphan(tokenName, $"{_current.Fingerprint} was current when this rotation finished, but '{_names.Secret}' now holds {kept.Fingerprint}, written by another rotation (another machine?)");
        }
    }
}
