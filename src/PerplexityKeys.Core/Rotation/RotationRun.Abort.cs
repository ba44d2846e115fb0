
namespace PerplexityKeys.Core.Rotation;

/// <summary>-Abort: undo a rotation that has not made its key current (or whose secret was set by hand since).</summary>
internal sealed partial class RotationRun
{
    /// <summary>-Abort before promotion: the pending key is revoked (or reported), the helpers set idle; S untouched.</summary>
    private async Task DiscardPendingAsync()
    {
        await DiscardAsync(_pending!, _request.AuthorizingKey ?? _current, _journal!.TokenName).ConfigureAwait(false);
        if (_previous is not null)
        {
            await StepAsync("ClearPrevious", () => ClearKeyHelperAsync(_names.Previous)).ConfigureAwait(false);
        }

        await StepAsync("ClearPending", () => ClearKeyHelperAsync(_names.Pending)).ConfigureAwait(false);
        await StepAsync("IdleJournal", () => IdleJournalAsync("Aborted")).ConfigureAwait(false);
    }

    /// <summary>
    /// -Abort after S was set by hand: neither the rotation's key nor (before its revocation) the old one is current, and
    /// either may still be in use, so nothing is revoked; the keys left unkept are reported and the helpers set idle.
    /// </summary>
    private async Task AbandonAsync()
    {
        if (_state == RotationState.Propagating)
        {
            ReportOrphan(_previous!.Fingerprint, $"the key '{_names.Secret}' held before this rotation is kept nowhere once it is aborted; it was not revoked");
        }

        if (_previous is not null)
        {
            await StepAsync("ClearPrevious", () => ClearKeyHelperAsync(_names.Previous)).ConfigureAwait(false);
        }

        await StepAsync("IdleJournal", () => IdleJournalAsync("Aborted")).ConfigureAwait(false);
    }
}
