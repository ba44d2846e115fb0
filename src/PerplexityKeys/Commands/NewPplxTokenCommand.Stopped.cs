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
    /// <summary>How long a stopped command spends revoking the keys nobody holds before it names them as live instead.</summary>
    private static readonly TimeSpan DisposalBudget = TimeSpan.FromSeconds(10);

    /// <summary>Revocations started as the command stopped, all at once; waited for and audited when it is disposed.</summary>
    private readonly List<(MintedToken Minted, MintItem Item, Task<string?> Revoke)> _unclaimed = [];

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

        StoppedWith(work.Result, item);
    }

    /// <summary>A mint that answered, as the command stops: audited; its key revoked unless it is stored.</summary>
    private void StoppedWith(Minting minting, MintItem item)
    {
        AuditStopped(MintAudit(minting.Minted, item.AuthorizingKey));
        if (minting.Stored is null or { Outcome: VaultMintOutcome.NotStored })
        {
            Unclaimed(minting.Minted, item);
        }
        else
        {
            AuditStopped(StoreAudit(minting.Stored, item));
        }
    }

    /// <summary>
    /// On the pipeline thread: a key minted for <paramref name="item"/> that is neither written out nor stored. Its
    /// revocation starts now, beside the others of the stop, within <see cref="DisposalBudget"/>.
    /// </summary>
    private void Unclaimed(MintedToken minted, MintItem item)
    {
        PplxClient client = ClientFor(_baseUri!);
        _unclaimed.Add((minted, item, Task.Run(() => KeyDisposal.DiscardAfterStopAsync(client, minted.Key, item.AuthorizingKey, DisposalBudget))));
    }

    /// <inheritdoc />
    protected override void Abandon()
    {
        try
        {
            _work?.Abandon();
        }
        finally
        {
            SettleUnclaimed();
        }
    }

    /// <summary>Waits for the revocations of the stop (each within its budget) and audits each: proven gone, or live and named.</summary>
    private void SettleUnclaimed()
    {
        foreach ((MintedToken minted, MintItem item, Task<string?> revoke) in _unclaimed)
        {
            string? live;
            try
            {
                live = revoke.GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is PplxException or OperationCanceledException)
            {
                live = $"{minted.Key.Fingerprint} could not be revoked ({e.Message})";
            }

            AuditStopped(DiscardAudit(minted, item, live, "The command stopped before the new key was written out or stored"));
        }

        _unclaimed.Clear();
    }

    /// <summary>Audits while the pipeline stops: an audit log that cannot be written has no warning to go to any more.</summary>
    private void AuditStopped(params AuditEntry[] entries)
    {
        try
        {
            Audit(entries);
        }
        catch (PipelineStoppedException)
        {
            // The warning about the audit log could not be written either.
        }
    }
}
