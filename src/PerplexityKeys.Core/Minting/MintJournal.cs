using System.Threading;
using PerplexityKeys.Core.Api;
using PerplexityKeys.Core.Rotation;
using PerplexityKeys.Core.Vault;

namespace PerplexityKeys.Core.Minting;

/// <summary>
/// Records a key New-PplxToken -Vault stored in the secret's journal (an idle record, outcome Minted), so its age is
/// known in every kind of vault. The journal is written only when it is free to be: missing, or an idle record of this
/// secret. A rotation under way keeps its journal, and a secret of someone else's under the journal's name is never
/// overwritten; then the key's age is unknown, and the caller is told why.
/// </summary>
internal sealed class MintJournal(ISecretVault vault, TimeProvider time)
{
    /// <summary>Null when the journal now records <paramref name="minted"/>; else why it does not.</summary>
    public async Task<string?> TryWriteAsync(string secretName, MintedToken minted, string tokenName, CancellationToken cancellationToken)
    {
        string journalName = SiblingNames.Of(secretName, SiblingNames.JournalSuffix);
        try
        {
            string? text = await vault.GetTextAsync(journalName, cancellationToken).ConfigureAwait(false);
            RotationJournal? before = RotationJournal.TryParse(text);
            if (text is not null && before is null)
            {
                return $"'{OutsideText.Escape(journalName)}' holds a secret this module did not write";
            }

            if (before?.Secret is { } owner && !string.Equals(owner, secretName, StringComparison.OrdinalIgnoreCase))
            {
                return $"'{OutsideText.Escape(journalName)}' is the journal of another secret, '{OutsideText.Escape(owner)}'";
            }

            if (before is { Idle: false })
            {
                return $"a rotation of '{OutsideText.Escape(secretName)}' is under way and keeps its journal";
            }

            RotationJournal record = RotationJournal.Minted(secretName, tokenName, minted.Key.Fingerprint, minted.CreatedAt, before, time.GetUtcNow());
            await vault.SetTextAsync(journalName, record.ToJson(), cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (PplxVaultException e)
        {
            return $"the journal could not be written ({e.Message})";
        }
    }
}
