using PerplexityKeys.Core.Vault;

namespace PerplexityKeys.Core.Rotation;

/// <summary>Minted → Promoted: probe the new key, keep the old one as previous, make the new key current; or roll back.</summary>
internal sealed partial class RotationRun
{
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
            await StepAsync("ClearPending", () => ClearKeyHelperAsync(_names.Pending)).ConfigureAwait(false);
            if (_previous is not null && _previous.Equals(old))
            {
                // A resumed run that had kept the old key as previous: it is still current, so that copy goes idle too.
                await StepAsync("ClearPrevious", () => ClearKeyHelperAsync(_names.Previous)).ConfigureAwait(false);
                _previous = null;
            }

            await StepAsync("IdleJournal", () => IdleJournalAsync("RolledBack")).ConfigureAwait(false);
            Move(RotationState.RolledBack);
            throw Fail(RotationFailure.RolledBack, $"The new key {fresh.Fingerprint} failed its probe ({probe.Status}: {probe.Message}); it was revoked and '{_names.Secret}' still holds {old.Fingerprint}.");
        }

        JournalOwner owner = await JournalOwnerAsync().ConfigureAwait(false);
        if (owner != JournalOwner.ThisRun)
        {
            throw await YieldAsync(fresh, old, owner).ConfigureAwait(false);
        }

        if (probe.Status != TokenStatus.Valid)
        {
            throw Fail(RotationFailure.Interrupted, $"The new key {fresh.Fingerprint} could not be proven ({probe.Status}: {probe.Message}). Nothing was lost: run the same command again to resume.");
        }

        try
        {
            await KeepPreviousAsync(fresh, old).ConfigureAwait(false);
        }
        catch (PplxVaultException e) when (e is not PplxVaultTimeoutException)
        {
            // The vault failed this run. If the journal shows another rotation owns it now, nobody will resume this one.
            if (await TakenOverAsync().ConfigureAwait(false) is not { } other)
            {
                throw;
            }

            throw await YieldAsync(fresh, old, other).ConfigureAwait(false);
        }

        Exception? failure = null;
        try
        {
            await StepAsync("Promote", () => Vault.SetKeyAsync(_names.Secret, fresh, _ct)).ConfigureAwait(false);
            ApiKey? now = await StepAsync("VerifyCurrent", () => Vault.GetKeyAsync(_names.Secret, _ct)).ConfigureAwait(false);
            if (now is not null && !now.Equals(fresh) && !now.Equals(old))
            {
                // Another writer's key, written after this run's: positive evidence of another rotation, not of a failed
                // write. Restoring the old key would overwrite that rotation's key (which it may then revoke as "old").
                throw await StandBackAsync(fresh, old, now).ConfigureAwait(false);
            }

            if (!fresh.Equals(now))
            {
                failure = new PplxVaultOperationException($"'{_names.Secret}' read back as {now?.Fingerprint ?? "nothing"}, not {fresh.Fingerprint}.", Vault.Name, _names.Secret);
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

        await ReportReplacedRivalAsync(fresh, old).ConfigureAwait(false);
        _current = fresh;
        _journal = _journal! with { PromotedAt = Now };
        await StepAsync("WriteJournal", () => Vault.SetTextAsync(_names.Journal, _journal.ToJson(), _ct)).ConfigureAwait(false);
        await Vault.TrySetMetadataAsync(_names.Secret, SecretMetadata.Of(fresh, _journal.TokenName, _journal.NewCreatedAt ?? Now, _journal.OldFingerprint), _ct).ConfigureAwait(false);
    }

    /// <summary>Before S is written: S still holds the old key (or this run's), and the old key is kept as previous.</summary>
    private async Task KeepPreviousAsync(ApiKey fresh, ApiKey old)
    {
        // SecretManagement has no compare-and-swap: the nearest to it is to read S just before writing it. A key there that
        // is neither the one this run read nor its own is another writer's (another machine's run): this run stands back.
        ApiKey? before = await StepAsync("CheckCurrent", () => Vault.GetKeyAsync(_names.Secret, _ct), k => k?.Fingerprint ?? "missing").ConfigureAwait(false);
        if (before is not null && !before.Equals(old) && !before.Equals(fresh))
        {
            throw await StandBackAsync(fresh, old, before).ConfigureAwait(false);
        }

        if (_previous is null)
        {
            if (_journal!.OldFingerprint != old.Fingerprint)
            {
                // S was set by hand since this rotation began: the key it holds now is the one being replaced. The
                // journal says so before it is kept as previous, or the next run would not recognise that helper.
                _engine.Narrate($"'{_names.Secret}' holds {old.Fingerprint} now, not {_journal.OldFingerprint} as when this rotation began; it is the key this rotation replaces.");
                _journal = _journal with { OldFingerprint = old.Fingerprint };
                Result.OldFingerprint = old.Fingerprint;
                await StepAsync("WriteJournal", () => Vault.SetTextAsync(_names.Journal, _journal.ToJson(), _ct)).ConfigureAwait(false);
            }

            await StepAsync("StorePrevious", () => Vault.SetKeyAsync(_names.Previous, old, _ct)).ConfigureAwait(false);
            ApiKey? kept = await StepAsync("VerifyPrevious", () => Vault.GetKeyAsync(_names.Previous, _ct)).ConfigureAwait(false);
            if (!old.Equals(kept))
            {
                JournalOwner now = await JournalOwnerAsync().ConfigureAwait(false);
                if (now != JournalOwner.ThisRun)
                {
                    throw await YieldAsync(fresh, old, now).ConfigureAwait(false);
                }

                // The key waits in the pending helper for the next run. But a helper that does not read back may be another
                // writer's doing (another machine's run, with no compare-and-swap between them), which may still overwrite
                // the pending helper and the journal: then no run would find the key, so it is named too (chaos, seed 1129).
                ReportOrphan(_journal!.TokenName, $"'{_names.Previous}' did not read back, so another run may be at work beside this one; {fresh.Fingerprint} waits in '{_names.Pending}' unless that run overwrote it");
                throw Fail(RotationFailure.Interrupted, $"'{_names.Previous}' did not read back as {old.Fingerprint}; '{_names.Secret}' is unchanged. Run again to resume.");
            }

            _previous = old;
        }
    }

    /// <summary>
    /// After a vault failure, best effort: the journal's owner when it is no longer this run, else null. A journal that no
    /// longer parses claims nothing: the key is reported by name, and the vault's failure is the one the run reports.
    /// </summary>
    private async Task<JournalOwner?> TakenOverAsync()
    {
        try
        {
            JournalOwner owner = await JournalOwnerAsync().ConfigureAwait(false);
            if (owner == JournalOwner.Unknown)
            {
                ReportOrphan(_journal!.TokenName, $"'{_names.Journal}' no longer reads as a rotation record, so nothing claims {_journal.NewFingerprint}");
            }

            return owner is JournalOwner.AnotherRun or JournalOwner.CarriedOn ? owner : null;
        }
        catch (PplxVaultException)
        {
            return null;
        }
    }

    /// <summary>
    /// Another run (another machine) wrote its own key into S: this run's key is kept nowhere, so it is revoked (or reported
    /// by name), S is left to that run, and the run stops with RotationConflict.
    /// </summary>
    private async Task<PplxRotationException> StandBackAsync(ApiKey fresh, ApiKey old, ApiKey theirs)
    {
        await DiscardAsync(fresh, _request.AuthorizingKey ?? old, _journal!.TokenName).ConfigureAwait(false);
        return Fail(
            RotationFailure.Conflict,
            $"'{_names.Secret}' holds {theirs.Fingerprint}, written by another rotation (another machine?) since this run read {old.Fingerprint}: this run's key {fresh.Fingerprint} was revoked and '{_names.Secret}' was left as the other rotation made it. Run again to carry that rotation on.");
    }

    /// <summary>
    /// Without compare-and-swap, another machine's rotation (or a New-PplxToken -Vault) can write S between this run's
    /// last read of S and its write. Its journal record then names its key: idle and Done (or Minted) when it finished,
    /// busy with PromotedAt when it promoted and stopped (-Stage Prepare). That record is written after its write of S, so
    /// S read once more tells which write came last: this run's, and that key, live and kept nowhere, is reported by its
    /// token name (not revoked: services may have picked it up); theirs, and this run stands back. Read before this run
    /// writes the journal again; the extra read of S is made only when such a record is there.
    /// </summary>
    private async Task ReportReplacedRivalAsync(ApiKey fresh, ApiKey old)
    {
        string? text = await StepAsync("CheckJournal", () => Vault.GetTextAsync(_names.Journal, _ct)).ConfigureAwait(false);
        if (RotationJournal.TryParse(text) is not { NewFingerprint: { } theirs } rival
            || rival.RunId == _journal!.RunId
            || theirs == fresh.Fingerprint
            || theirs == old.Fingerprint
            || !(rival.Idle ? rival.Outcome is "Done" or RotationJournal.MintedOutcome : rival.PromotedAt is not null))
        {
            return;
        }

        ApiKey? now = await StepAsync("CheckCurrent", () => Vault.GetKeyAsync(_names.Secret, _ct), k => k?.Fingerprint ?? "missing").ConfigureAwait(false);
        if (now is not null && now.Fingerprint == theirs)
        {
            throw await StandBackAsync(fresh, old, now).ConfigureAwait(false);
        }

        if (fresh.Equals(now))
        {
            ReportOrphan(rival.TokenName, $"{theirs} was made current by another rotation of '{_names.Secret}' (another machine?) while this run was promoting {fresh.Fingerprint}, whose write replaced it");
        }
    }

    private async Task RollBackAsync(ApiKey fresh, ApiKey old, Exception cause)
    {
        try
        {
            await StepAsync("RestoreCurrent", () => Vault.SetKeyAsync(_names.Secret, old, _ct)).ConfigureAwait(false);
            ApiKey? restored = await StepAsync("VerifyRestored", () => Vault.GetKeyAsync(_names.Secret, _ct)).ConfigureAwait(false);
            if (!old.Equals(restored))
            {
                throw new PplxVaultOperationException($"'{_names.Secret}' read back as {restored?.Fingerprint ?? "nothing"} after restoring {old.Fingerprint}.", Vault.Name, _names.Secret);
            }
        }
        catch (PplxVaultException e) when (e is not PplxVaultTimeoutException)
        {
            // The key is left pending for the next run; but another run beside this one may be what made S read back
            // wrong, and may still overwrite the pending helper: then no run would find the key, so it is named too.
            ReportOrphan(_journal!.TokenName, $"'{_names.Secret}' could not be restored, so another run may be at work beside this one; {fresh.Fingerprint} waits in '{_names.Pending}' unless that run overwrote it");
            throw Fail(
                RotationFailure.RollbackFailed,
                $"Writing {fresh.Fingerprint} to '{_names.Secret}' failed ({cause.Message}), and so did restoring {old.Fingerprint} ({e.Message}). '{_names.Pending}' ({fresh.Fingerprint}) and '{_names.Previous}' ({old.Fingerprint}) are left in place: fix the vault and run the same command again.",
                e);
        }

        await DiscardAsync(fresh, _request.AuthorizingKey ?? old, _journal!.TokenName).ConfigureAwait(false);
        await TryAsync(async () =>
        {
            await ClearKeyHelperAsync(_names.Pending).ConfigureAwait(false);
            await ClearKeyHelperAsync(_names.Previous).ConfigureAwait(false);
            await IdleJournalAsync("RolledBack").ConfigureAwait(false);
        }).ConfigureAwait(false);
        _current = old;
        Move(RotationState.RolledBack);
        throw Fail(RotationFailure.RolledBack, $"The new key {fresh.Fingerprint} could not be made current ({cause.Message}); '{_names.Secret}' holds {old.Fingerprint} again and the new key was revoked.", cause);
    }
}
