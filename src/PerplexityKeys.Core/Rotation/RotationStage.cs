namespace PerplexityKeys.Core.Rotation;

/// <summary>How far a run goes.</summary>
public enum RotationStage
{
    /// <summary>Every step: mint, promote, hand off, wait, revoke the old key, clean up.</summary>
    All,

    /// <summary>Stop once the new key is current and the old one is kept as previous.</summary>
    Prepare,

    /// <summary>Finish a prepared rotation: wait, probe, revoke the previous key, clean up.</summary>
    Finish,
}
