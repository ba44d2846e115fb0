using PerplexityKeys.Core.Api;
using PerplexityKeys.Core.Vault;

namespace PerplexityKeys.Core.Rotation;

/// <summary>Reading the vault once into a snapshot, and taking up the state it means (<see cref="RotationDerivation"/>).</summary>
internal sealed partial class RotationRun
{
    private async Task ReadStateAsync()
    {
        RotationSnapshot vault = await ReadSnapshotAsync().ConfigureAwait(false);
        if (vault.Pending is not null && vault.Journal!.NewFingerprint is null)
        {
            // The run died after storing the pending key and before journalling it.
            vault = vault with { Journal = vault.Journal with { NewFingerprint = vault.Pending.Fingerprint } };
            await Vault.SetTextAsync(_names.Journal, vault.Journal.ToJson(), _ct).ConfigureAwait(false);
        }

        (_current, _pending, _previous, _journal) = (vault.Current, vault.Pending, vault.Previous, vault.Journal);
        Result.RunId = _journal?.RunId;
        Result.OldFingerprint = _journal?.OldFingerprint ?? _current.Fingerprint;
        Result.NewFingerprint = _journal?.NewFingerprint;
        _state = RotationDerivation.Derive(vault);
        if (_state == RotationState.Start && _journal is not null)
        {
            // A journal with nothing left to guard (a rollback or abort that died cleaning up, a run that died before
            // storing its pending key, or S put back to its old key by hand or by a lost write). A new key it names
            // that S does not hold is kept nowhere: report it.
            if (_journal.NewFingerprint is { } minted && minted != _current.Fingerprint)
            {
                ReportOrphan(_journal.TokenName, $"{minted} was minted for this secret but is not its value");
            }

            if (_previous is not null)
            {
                await ClearKeyHelperAsync(_names.Previous).ConfigureAwait(false);
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
                $"{_journal.NewFingerprint} was made current by this rotation, but '{_names.Secret}' now holds {_current.Fingerprint}, set outside it, so the rotation's key is kept nowhere; revoke it once nothing uses it");
        }

        _engine.Narrate($"{_names.Secret} in '{Vault.Name}': {_state} (current {_current.Fingerprint}).");
    }

    /// <summary>Reads S, its helpers and the journal once, refusing helpers this module did not write.</summary>
    private async Task<RotationSnapshot> ReadSnapshotAsync()
    {
        ApiKey current = await Vault.GetKeyAsync(_names.Secret, _ct).ConfigureAwait(false) ?? throw new PplxSecretNotFoundException(Vault.Name, _names.Secret);
        ApiKey? pending = await ReadSiblingKeyAsync(_names.Pending).ConfigureAwait(false);
        ApiKey? previous = await ReadSiblingKeyAsync(_names.Previous).ConfigureAwait(false);
        string? journalText = await Vault.GetTextAsync(_names.Journal, _ct).ConfigureAwait(false);
        RotationJournal? record = RotationJournal.TryParse(journalText);
        if (journalText is not null && record is null)
        {
            throw TakenBy(_names.Journal);
        }

        if (record?.Secret is { } owner && !string.Equals(owner, _names.Secret, StringComparison.OrdinalIgnoreCase))
        {
            throw Fail(
                RotationFailure.SiblingNameTaken,
                $"The helper secrets '{_names.Pending}', '{_names.Previous}' and '{_names.Journal}' belong to the rotation of '{OutsideText.Escape(owner)}', another secret of vault '{Vault.Name}' whose helper names are the same. Rename one of the two secrets. Nothing was changed.");
        }

        RotationJournal? journal = record is { Idle: false } ? record : null;
        _lastRecord = record is { Idle: true } ? record : null;
        if (pending is not null && (journal is null || (journal.NewFingerprint ?? pending.Fingerprint) != pending.Fingerprint))
        {
            throw TakenBy(_names.Pending);
        }

        if (previous is not null && journal?.OldFingerprint != previous.Fingerprint)
        {
            throw TakenBy(_names.Previous);
        }

        return new RotationSnapshot(current, pending, previous, journal);
    }

    private bool SetOutsideTheRotation => RotationDerivation.SetOutsideTheRotation(_state, _journal, _current);

    private async Task<ApiKey?> ReadSiblingKeyAsync(string name)
    {
        try
        {
            ApiKey? key = await Vault.GetKeyAsync(name, _ct).ConfigureAwait(false);
            return SiblingNames.IdleKey.Equals(key) ? null : key;
        }
        catch (Exception e) when (e is PplxSecretTypeException or PplxKeyFormatException)
        {
            throw TakenBy(name);
        }
    }

    private PplxRotationException TakenBy(string name) => Fail(
        RotationFailure.SiblingNameTaken,
        $"The vault '{Vault.Name}' holds a secret named '{name}' that this module did not write; it uses that name for rotating '{_names.Secret}'. Rename or remove it, then run again. Nothing was changed.");
}
