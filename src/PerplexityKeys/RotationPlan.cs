using PerplexityKeys.Core.Rotation;

namespace PerplexityKeys;

/// <summary>What Invoke-PplxRotation is about to do, in words (-WhatIf, -Confirm and the confirmation error).</summary>
internal static class RotationPlan
{
    /// <summary>The plan for a rotation of <paramref name="secretName"/>.</summary>
    public static string Describe(string secretName, bool abort, RotationStage stage, TimeSpan propagationDelay, ApiKey? master, bool handsOff)
    {
        string authorizer = master is null ? "authorized by the current key" : $"authorized by {master.Fingerprint}";
        string handOff = handsOff ? ", run -OnNewToken" : string.Empty;
        string pending = SiblingNames.Of(secretName, SiblingNames.PendingSuffix);
        string previous = SiblingNames.Of(secretName, SiblingNames.PreviousSuffix);
        string helpers = $"{pending}', '{previous}', '{SiblingNames.Of(secretName, SiblingNames.JournalSuffix)}";
        return abort
            ? $"Abort the rotation: revoke the pending key, set '{helpers}' idle, leave '{secretName}' as it is"
            : stage switch
            {
                RotationStage.Prepare => $"Prepare a rotation: mint a key ({authorizer}), keep it as '{pending}', probe it, keep the old key as '{previous}', make the new key current{handOff}",
                RotationStage.Finish => $"Finish the rotation: wait {propagationDelay}, probe the current key, revoke the previous key, set '{helpers}' idle",
                _ => $"Rotate: mint a key ({authorizer}), keep it as pending, probe it, keep the old key as previous, make the new key current{handOff}, wait {propagationDelay}, probe it again, revoke the old key, set '{helpers}' idle (a rotation prepared with -Stage Prepare is only reported: -Stage Finish completes it)",
            };
    }
}
