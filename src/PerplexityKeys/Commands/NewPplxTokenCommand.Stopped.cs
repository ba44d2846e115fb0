using System.Threading;
using System.Threading.Tasks;
using PerplexityKeys.Core.Api;
using PerplexityKeys.Core.Minting;
using PerplexityKeys.Core.Rotation;

namespace PerplexityKeys.Commands;

// What becomes of a mint when the command stops (Ctrl+C, or a command downstream ends the pipeline) before its key was
// written out: a key minted and neither written out nor stored is nobody's, so it is revoked. Nothing more can be
// written to the pipeline then; the audit trail is the record.
public sealed partial class NewPplxTokenCommand
{
    /// <summary>How long a stopped command spends revoking a key nobody holds before it names the key as live instead.</summary>
    private static readonly TimeSpan DisposalBudget = TimeSpan.FromSeconds(10);

    /// <summary>On the pipeline thread, as the command stops: audits what became of a mint that was never handed on.</summary>
    private void Stopped(Task<Minting> work, MintItem item)
    {
        Forget(item);
        if (work.Exception?.InnerException is PplxException failure)
        {
            AuditStopped(new AuditEntry(SystemClock.UtcNow, "Mint", "Failed") { Vault = item.Vault, Secret = item.SecretName, Failure = ErrorRecords.FailureId(failure), Message = failure.Message });
            return;
        }

        if (work.Status != TaskStatus.RanToCompletion)
        {
            string message = $"Stopped while minting a key named '{item.Name}': the API may have minted it. Find it in the Perplexity portal by that name and revoke it if nothing holds it.";
            AuditStopped(new AuditEntry(SystemClock.UtcNow, "Mint", "Stopped") { Vault = item.Vault, Secret = item.SecretName, Message = message });
            return;
        }

        Minting minting = work.Result;
        MintedToken minted = minting.Minted;
        AuditStopped(MintAudit(minted, item.AuthorizingKey));
        switch (minting.Stored)
        {
            case null or { Outcome: VaultMintOutcome.NotStored }:
                Unclaimed(minted, item);
                break;
            case { Outcome: VaultMintOutcome.Stored }:
                AuditStopped(new AuditEntry(SystemClock.UtcNow, "Store", "Done") { Vault = item.Vault, Secret = item.SecretName, NewFingerprint = minted.Key.Fingerprint });
                break;
            case { } stored:
                AuditStopped(new AuditEntry(SystemClock.UtcNow, "Store", "Failed") { Vault = item.Vault, Secret = item.SecretName, NewFingerprint = minted.Key.Fingerprint, Message = stored.StoreFailure?.Message });
                break;
        }
    }

    /// <summary>
    /// A key minted for <paramref name="item"/> that is neither written out nor stored: revoked within
    /// <see cref="DisposalBudget"/> and proven gone, or audited as live by fingerprint and token name.
    /// </summary>
    private void Unclaimed(MintedToken minted, MintItem item)
    {
        string? live;
        using (var budget = new CancellationTokenSource(DisposalBudget))
        {
            try
            {
                live = KeyDisposal.DiscardAsync(ClientFor(_baseUri!), minted.Key, item.AuthorizingKey, null, budget.Token).GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
                live = $"{minted.Key.Fingerprint} could not be revoked within {DisposalBudget.TotalSeconds:0} s";
            }
        }

        string tokenName = minted.TokenName ?? item.Name;
        AuditStopped(new AuditEntry(SystemClock.UtcNow, "Revoke", live is null ? "Done" : "Failed")
        {
            Vault = item.Vault,
            Secret = item.SecretName,
            OldFingerprint = minted.Key.Fingerprint,
            Message = live is null
                ? "The command stopped before the new key was written out or stored, so it was revoked."
                : $"The command stopped before the new key was written out or stored, and {live}: find '{tokenName}' in the Perplexity portal and revoke it.",
        });
    }

    /// <summary>Audits while the pipeline stops: an audit log that cannot be written has no warning to go to any more.</summary>
    private void AuditStopped(AuditEntry entry)
    {
        try
        {
            Audit([entry]);
        }
        catch (PipelineStoppedException)
        {
            // The warning about the audit log could not be written either.
        }
    }
}
