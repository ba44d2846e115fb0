using System.Globalization;
using PerplexityKeys.Core.Api;
using PerplexityKeys.Core.Inventory;
using PerplexityKeys.Core.Vault;

namespace PerplexityKeys.Core.Rotation;

/// <summary>Start → Minted: journal the intent, mint, keep the new key as pending and verify it.</summary>
internal sealed partial class RotationRun
{
    private async Task MintAsync()
    {
        string runId = Guid.NewGuid().ToString("N").Substring(0, 8);
        string stamp = Now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        // <vault>/<secret>/<time>/<run id>: enough to find the key in the portal if its answer is lost.
        // Names come from outside: escaped, they hold nothing invisible, and the name passes -TokenName's own rules.
        string prefix = $"{OutsideText.Escape(Vault.Name)}/{OutsideText.Escape(_names.Secret)}".Trim();
        prefix = prefix.Length > 200 ? prefix.Substring(0, 200) : prefix;
        var journal = new RotationJournal
        {
            Kind = RotationJournal.Marker,
            RunId = runId,
            TokenName = TokenNamePolicy.Validate($"{prefix}/{stamp}/{runId}"),
            OldFingerprint = _current.Fingerprint,
            OldCreatedAt = KeyStandings.CreatedOf(_current.Fingerprint, _lastRecord),
            LastRotatedAt = KeyStandings.LastRotatedOf(_lastRecord),
            StartedAt = Now,
            Secret = _names.Secret,
            Staged = _request.Intent == RotationIntent.Prepare,
        };
        Result.RunId = runId;
        Result.OldFingerprint = _current.Fingerprint;

        // The journal goes first: if this run dies during the mint, the next one can name the key.
        await StepAsync("WriteJournal", () => Vault.SetTextAsync(_names.Journal, journal.ToJson(), _ct)).ConfigureAwait(false);
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
            Move(RotationState.Minting);
            throw Fail(RotationFailure.MintOutcomeUnknown, $"{e.Message} Running the command again reports it and starts a new rotation.", e);
        }
        catch (PplxException e) when (e is not PplxRotationException)
        {
            await IdleJournalAsync("MintFailed").ConfigureAwait(false);
            string hint = e is PplxUnauthorizedException && _request.AuthorizingKey is null
                ? $" The key in '{_names.Secret}' ({_current.Fingerprint}) was refused, so it cannot authorize its own rotation, and running again will not help: authorize the rotation with a separate master key that works, and put a working key into '{_names.Secret}' if services use it."
                : string.Empty;
            throw Fail(RotationFailure.Interrupted, $"The mint for '{_names.Secret}' failed; nothing was changed. {e.Message}{hint}", e);
        }

        ApiKey fresh = minted.Key;
        Result.NewFingerprint = fresh.Fingerprint;
        if (_ct.IsCancellationRequested)
        {
            // Stopped with the answer in hand, before the key was written anywhere: nobody holds it.
            await DiscardStoppedAsync(fresh, authorizer, journal.TokenName).ConfigureAwait(false);
            _ct.ThrowIfCancellationRequested();
        }

        try
        {
            await StepAsync("StorePending", () => Vault.SetKeyAsync(_names.Pending, fresh, _ct)).ConfigureAwait(false);
        }
        catch (PplxVaultTimeoutException)
        {
            // The write may still land (then a re-run resumes from the pending key), or never: name the key either way.
            ReportOrphan(journal.TokenName, $"its write to '{_names.Pending}' did not return");
            Move(RotationState.Minting);
            throw;
        }
        catch (PplxVaultException e) when (e is not PplxVaultTimeoutException)
        {
            await DiscardAsync(fresh, authorizer, journal.TokenName).ConfigureAwait(false);
            await TryAsync(async () =>
            {
                await ClearKeyHelperAsync(_names.Pending).ConfigureAwait(false);
                await IdleJournalAsync("RolledBack").ConfigureAwait(false);
            }).ConfigureAwait(false);
            Move(RotationState.RolledBack);
            throw Fail(RotationFailure.RolledBack, $"The new key {fresh.Fingerprint} could not be stored as '{_names.Pending}' ({e.Message}); it was revoked and '{_names.Secret}' is unchanged.", e);
        }

        ApiKey? readBack = await StepAsync("VerifyPending", () => Vault.GetKeyAsync(_names.Pending, _ct)).ConfigureAwait(false);
        if (!fresh.Equals(readBack))
        {
            // No compare-and-swap in SecretManagement: another run (another machine) wrote after us.
            await DiscardAsync(fresh, authorizer, journal.TokenName).ConfigureAwait(false);
            throw Fail(RotationFailure.Conflict, $"'{_names.Pending}' does not hold the key this run stored ({fresh.Fingerprint}): another rotation of '{_names.Secret}' is under way. This run's key was revoked; run again to carry the other rotation on.");
        }

        journal = journal with { NewFingerprint = fresh.Fingerprint, NewCreatedAt = minted.CreatedAt };
        _journal = journal;
        // No metadata on the pending helper: the journal just written records the same facts (token name, fingerprint,
        // creation time), and the helper is set idle within the run (docs/rotation.md, "Vault operations").
        await StepAsync("WriteJournal", () => Vault.SetTextAsync(_names.Journal, journal.ToJson(), _ct)).ConfigureAwait(false);
        _pending = fresh;
    }
}
