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

    /// <summary>
    /// Whether the journal still names this run. SecretManagement has no compare-and-swap, so a run on another
    /// machine may have started its own rotation since this one read the vault; checked before promoting and before revoking.
    /// </summary>
    private async Task<bool> JournalIsStillOursAsync()
    {
        string? text = await StepAsync("CheckJournal", () => Vault.GetTextAsync(_names.Journal, _ct)).ConfigureAwait(false);
        RotationJournal? now = RotationJournal.TryParse(text);
        return now is { Idle: false } && now.RunId == _journal!.RunId;
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
