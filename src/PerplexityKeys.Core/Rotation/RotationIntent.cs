namespace PerplexityKeys.Core.Rotation;

/// <summary>What a run is asked to do: one value, so a contradictory request (abort and finish) cannot be built.</summary>
public enum RotationIntent
{
    /// <summary>Every step: mint, promote, hand off, wait, revoke the old key, clean up. A rotation prepared earlier stays prepared.</summary>
    Rotate,

    /// <summary>Stop once the new key is current and the old one is kept as previous.</summary>
    Prepare,

    /// <summary>Finish a prepared rotation: hand off, wait, probe, revoke the previous key, clean up. Starts nothing.</summary>
    Finish,

    /// <summary>Undo a rotation whose new key is not current yet; refused once it is.</summary>
    Abort,
}
