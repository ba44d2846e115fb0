using System;
using System.Threading.Tasks;
using PerplexityKeys.Core.Api;
using PerplexityKeys.Core.Model;
using PerplexityKeys.Core.Vault;

namespace PerplexityKeys.Core.Rotation;

/// <summary>Reading the vault into the run's state, and deriving that state from what the vault holds.</summary>
internal sealed partial class RotationRun
{
    private async Task ReadStateAsync()
    {
        _current = await Vault.GetKeyAsync(_names.Secret, _ct).ConfigureAwait(false) ?? throw new PplxSecretNotFoundException(Vault.Name, _names.Secret);
        _pending = await ReadSiblingKeyAsync(_names.Pending).ConfigureAwait(false);
        _previous = await ReadSiblingKeyAsync(_names.Previous).ConfigureAwait(false);
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

        _journal = record is { Idle: false } ? record : null;

        if (_pending is not null && (_journal is null || (_journal.NewFingerprint ?? _pending.Fingerprint) != _pending.Fingerprint))
        {
            throw TakenBy(_names.Pending);
        }

        if (_pending is not null && _journal!.NewFingerprint is null)
        {
            // The run died after storing the pending key and before journalling it.
            _journal.NewFingerprint = _pending.Fingerprint;
            await Vault.SetTextAsync(_names.Journal, _journal.ToJson(), _ct).ConfigureAwait(false);
        }

        if (_previous is not null && _journal?.OldFingerprint != _previous.Fingerprint)
        {
            throw TakenBy(_names.Previous);
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
                $"{_journal.NewFingerprint} was made current by this rotation, but '{_names.Secret}' now holds {_current.Fingerprint}, set outside it, so the rotation's key is kept nowhere; revoke it with Revoke-PplxToken once nothing uses it");
        }

        _engine.Narrate($"{_names.Secret} in '{Vault.Name}': {_state} (current {_current.Fingerprint}).");
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
