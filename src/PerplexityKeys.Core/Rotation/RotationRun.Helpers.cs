using PerplexityKeys.Core.Api;
using PerplexityKeys.Core.Vault;

namespace PerplexityKeys.Core.Rotation;

/// <summary>Keeping the helpers: idling key helpers and the journal, checking the journal is still this run's, and
/// disposing of a key the run minted but cannot keep.</summary>
internal sealed partial class RotationRun
{
    /// <summary>Revokes a key this run minted and will not keep; a key that cannot be revoked is reported by name.</summary>
    private async Task DiscardAsync(ApiKey key, ApiKey authorizer, string tokenName)
    {
        string? live = await StepAsync("DiscardNew", () => KeyDisposal.DiscardAsync(Client, key, authorizer, null, _ct), why => why is null ? "Revoked" : "NotProven").ConfigureAwait(false);
        if (live is not null)
        {
            ReportOrphan(tokenName, live);
        }
    }

    /// <summary>How long a stopped run spends revoking a key it alone holds before it reports the key instead.</summary>
    private static readonly TimeSpan StoppedDisposalBudget = TimeSpan.FromSeconds(10);

    /// <summary>The run was stopped with a new key in hand that was written nowhere: revoked, or reported by token name.</summary>
    private async Task DiscardStoppedAsync(ApiKey key, ApiKey authorizer, string tokenName)
    {
        string? live = await StepAsync("DiscardNew", () => KeyDisposal.DiscardAfterStopAsync(Client, key, authorizer, StoppedDisposalBudget, _engine.Time), why => why is null ? "Revoked" : "NotProven").ConfigureAwait(false);
        if (live is not null)
        {
            ReportOrphan(tokenName, live);
        }
    }

    /// <summary>
    /// Whose the journal is now. SecretManagement has no compare-and-swap, so a run on another machine may have started
    /// its own rotation since this one read the vault (or resumed this one); checked before promoting and before revoking.
    /// </summary>
    private async Task<JournalOwner> JournalOwnerAsync()
    {
        string? text = await StepAsync("CheckJournal", () => Vault.GetTextAsync(_names.Journal, _ct)).ConfigureAwait(false);
        RotationJournal? now = RotationJournal.TryParse(text);
        return now switch
        {
            null => JournalOwner.Unknown,
            { Idle: false } when now.RunId == _journal!.RunId => JournalOwner.ThisRun,
            _ when now.RunId == _journal!.RunId => JournalOwner.CarriedOn,
            _ when now.OldFingerprint == _journal.NewFingerprint || now.NewFingerprint == _journal.NewFingerprint => JournalOwner.CarriedOn,
            _ => JournalOwner.AnotherRun,
        };
    }

    /// <summary>
    /// Before promotion this run's key is kept only as pending and claimed only by this run's journal: a run that finds
    /// the journal no longer its own stops, and disposes of its key only on positive evidence that nobody made it current.
    /// </summary>
    private async Task<PplxRotationException> YieldAsync(ApiKey fresh, ApiKey old, JournalOwner owner)
    {
        switch (owner)
        {
            case JournalOwner.AnotherRun:
                // A new rotation starts from an idle journal and names the key it replaces, which is not this run's. But a
                // run that started beside this one names the old key, and a third run may have carried this rotation on
                // meanwhile, making this run's key current: S is read before the key is revoked.
                ApiKey? now = await StepAsync("CheckCurrent", () => Vault.GetKeyAsync(_names.Secret, _ct), k => k?.Fingerprint ?? "missing").ConfigureAwait(false);
                if (fresh.Equals(now))
                {
                    return Fail(
                        RotationFailure.Conflict,
                        $"Another rotation of '{_names.Secret}' (another machine?) took over '{_names.Journal}', and '{_names.Secret}' holds this run's key {fresh.Fingerprint}, made current by a run that carried this rotation on: it was not revoked. Run again to see where it stands.");
                }

                await DiscardAsync(fresh, _request.AuthorizingKey ?? old, _journal!.TokenName).ConfigureAwait(false);
                return Fail(
                    RotationFailure.Conflict,
                    $"Another rotation of '{_names.Secret}' (another machine?) took over '{_names.Journal}' since this run read it: this run's key {fresh.Fingerprint} was revoked and left to the other rotation whatever '{_names.Secret}' holds. Run again to carry the other rotation on.");
            case JournalOwner.CarriedOn:
                // Another run resumed this rotation: the key's fate (current, or revoked by a rollback) is that run's.
                return Fail(
                    RotationFailure.Conflict,
                    $"Another run (another machine?) carried this rotation of '{_names.Secret}' on since this run read it; {fresh.Fingerprint} is left as that run made it. Run again to see where it stands.");
            default:
                ReportOrphan(_journal!.TokenName, $"'{_names.Journal}' no longer reads as a rotation record, so nothing claims {fresh.Fingerprint}");
                return Fail(
                    RotationFailure.Interrupted,
                    $"'{_names.Journal}' no longer reads as a rotation record; '{_names.Secret}' was not changed by this run and {fresh.Fingerprint} was not revoked. Check the vault, then run again.");
        }
    }

    private enum JournalOwner
    {
        /// <summary>Busy and naming this run.</summary>
        ThisRun,

        /// <summary>This rotation, carried on (or ended) by another run: idle with this run's id, or naming this run's key.</summary>
        CarriedOn,

        /// <summary>Another rotation's record, which names neither this run nor its key.</summary>
        AnotherRun,

        /// <summary>Missing or not a rotation record.</summary>
        Unknown,
    }

    /// <summary>Sets a key helper to <see cref="SiblingNames.IdleValue"/>: helpers are overwritten, never deleted (see docs/rotation.md).</summary>
    private Task ClearKeyHelperAsync(string name) => Vault.SetTextAsync(name, SiblingNames.IdleValue, _ct);

    /// <summary>Replaces the journal with the idle record of how this rotation ended; the run holds no journal after it.</summary>
    private async Task IdleJournalAsync(string outcome)
    {
        RotationJournal? journal = _journal;
        if (journal is not null)
        {
            RotationJournal idle = journal.ToIdle(outcome, Now);
            await Vault.SetTextAsync(_names.Journal, idle.ToJson(), _ct).ConfigureAwait(false);
            _lastRecord = idle;
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
}
