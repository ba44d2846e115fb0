using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using PerplexityKeys.Core.Api;
using PerplexityKeys.Core.Model;
using PerplexityKeys.Core.Vault;

namespace PerplexityKeys.Core.Rotation;

/// <summary>-Abort: undo a rotation that has not made its key current (or whose secret was set by hand since).</summary>
internal sealed partial class RotationRun
{
    private async Task AbortAsync()
    {
        switch (_state)
        {
            case RotationState.Start:
                _engine.Narrate($"No rotation of '{_names.Secret}' is under way; nothing to abort.");
                return;
            case RotationState.Minting:
                ReportOrphan(_journal!.TokenName, "an earlier run died while minting");
                await StepAsync("IdleJournal", () => IdleJournalAsync("Aborted")).ConfigureAwait(false);
                Move(RotationState.Aborted);
                return;
            case RotationState.Minted:
                await DiscardAsync(_pending!, _request.AuthorizingKey ?? _current, _journal!.TokenName).ConfigureAwait(false);
                if (_previous is not null)
                {
                    await StepAsync("ClearPrevious", () => ClearKeyHelperAsync(_names.Previous)).ConfigureAwait(false);
                }

                await StepAsync("ClearPending", () => ClearKeyHelperAsync(_names.Pending)).ConfigureAwait(false);
                await StepAsync("IdleJournal", () => IdleJournalAsync("Aborted")).ConfigureAwait(false);
                Move(RotationState.Aborted);
                return;
            case RotationState.Propagating or RotationState.Revoked when SetOutsideTheRotation:
                if (_state == RotationState.Propagating)
                {
                    ReportOrphan(_previous!.Fingerprint, $"the key '{_names.Secret}' held before this rotation is kept nowhere once it is aborted; it was not revoked");
                }

                if (_previous is not null)
                {
                    await StepAsync("ClearPrevious", () => ClearKeyHelperAsync(_names.Previous)).ConfigureAwait(false);
                }

                await StepAsync("IdleJournal", () => IdleJournalAsync("Aborted")).ConfigureAwait(false);
                Move(RotationState.Aborted);
                return;
            default:
                throw Fail(RotationFailure.AbortTooLate, $"The new key is already current in '{_names.Secret}' ({_state}); aborting would revoke a key in use. Run with -Stage Finish to complete the rotation instead.");
        }
    }
}
