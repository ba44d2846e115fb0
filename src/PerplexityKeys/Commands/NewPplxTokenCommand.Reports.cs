using PerplexityKeys.Core.Api;
using PerplexityKeys.Core.Minting;
using PerplexityKeys.Core.Rotation;

namespace PerplexityKeys.Commands;

// What New-PplxToken reports of each mint: the audit lines, verbose lines and warnings of a key minted, and of one minted into a vault.
public sealed partial class NewPplxTokenCommand
{
    /// <summary>Audits and reports a key just minted, warning when the API's clock and this machine's disagree.</summary>
    private void Minted(MintedToken minted, ApiKey authorizingKey)
    {
        string name = minted.TokenName ?? string.Empty;
        Audit([MintAudit(minted, authorizingKey)]);
        WriteVerbose(OutsideText.EscapeRedacted($"Minted {minted.Key.Fingerprint} named '{name}'."));
        TimeSpan skew = minted.CreatedAt - SystemClock.UtcNow;
        if (skew.Duration() > TimeSpan.FromMinutes(5))
        {
            WriteWarning($"The API says {minted.Key.Fingerprint} was created at {minted.CreatedAt:u}, {skew.Duration().TotalMinutes:0} minutes {(skew > TimeSpan.Zero ? "ahead of" : "behind")} this machine's clock; check the clock before relying on key ages.");
        }
    }

    private static AuditEntry MintAudit(MintedToken minted, ApiKey authorizingKey) =>
        new(SystemClock.UtcNow, "Mint", "Done") { NewFingerprint = minted.Key.Fingerprint, Message = $"Minted a key named '{minted.TokenName ?? string.Empty}', authorized by {authorizingKey.Fingerprint}." };

    /// <summary>The audit line of what the core did with a key minted into the vault (beside the mint's own line).</summary>
    private static AuditEntry StoreAudit(VaultMintResult result, MintItem item)
    {
        MintedToken minted = result.Minted;
        string? live = result.StillLive;
        return result.Outcome switch
        {
            VaultMintOutcome.Stored => new(SystemClock.UtcNow, "Store", "Done") { Vault = item.Vault, Secret = item.SecretName, NewFingerprint = minted.Key.Fingerprint },
            VaultMintOutcome.StoreFailed => DiscardAudit(minted, item, live, "The new key could not be stored"),
            _ => new(SystemClock.UtcNow, "Store", "Failed") { Vault = item.Vault, Secret = item.SecretName, NewFingerprint = minted.Key.Fingerprint, Message = $"{result.StoreFailure?.Message} ({live})" },
        };
    }

    /// <summary>The audit line of a new key this command revoked because <paramref name="why"/>, or could not (<paramref name="live"/> says why).</summary>
    private static AuditEntry DiscardAudit(MintedToken minted, MintItem item, string? live, string why) =>
        new(SystemClock.UtcNow, "Revoke", live is null ? "Done" : "Failed")
        {
            Vault = item.Vault,
            Secret = item.SecretName,
            OldFingerprint = minted.Key.Fingerprint,
            Message = live is null ? $"{why}, so it was revoked." : $"{why}, and {live}: find '{minted.TokenName ?? item.Name}' in the Perplexity portal and revoke it.",
        };

    /// <summary>
    /// Records what the core did with a key minted into the vault (VaultMint): audited, and a key that could not be
    /// stored is thrown as the store's failure after its revocation (or why it may be live) is audited and warned of.
    /// </summary>
    private MintedToken Stored(VaultMintResult result, MintItem item)
    {
        MintedToken minted = result.Minted;
        Minted(minted, item.AuthorizingKey);
        string tokenName = minted.TokenName ?? string.Empty;
        switch (result.Outcome)
        {
            case VaultMintOutcome.Stored:
                if (!result.MetadataKept)
                {
                    WriteVerbose(OutsideText.Escape($"The vault '{item.Vault}' keeps no metadata; stored the key without it."));
                }

                WriteVerbose(OutsideText.Escape($"Stored {minted.Key.Fingerprint} as '{item.SecretName}' in vault '{item.Vault}'."));
                if (result.JournalSkipped is { } why)
                {
                    WriteWarning($"The key's creation time was not recorded in the secret's journal ({why}), so Get-PplxToken shows its age as unknown.");
                }

                Audit([StoreAudit(result, item)]);
                return minted;
            case VaultMintOutcome.StoreFailed:
                string? live = result.StillLive;
                WriteVerbose($"Storing {minted.Key.Fingerprint} failed; it was revoked{(live is null ? string.Empty : " as far as could be proven")}.");
                Audit([StoreAudit(result, item)]);
                if (live is not null)
                {
                    WriteWarning(OutsideText.Escape($"The new key could not be stored, and {live}: find the key named '{tokenName}' in the Perplexity portal and revoke it."));
                }

                throw result.StoreFailure!;
            default:
                throw result.StoreFailure!;
        }
    }
}
