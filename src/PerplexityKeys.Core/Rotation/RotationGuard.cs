namespace PerplexityKeys.Core.Rotation;

/// <summary>When a row applies beyond its state and intent.</summary>
public enum RotationGuard
{
    /// <summary>Always.</summary>
    None,

    /// <summary>Only when, after the promotion, the secret holds neither the rotation's key nor the old one (set by hand).</summary>
    SetByHand,
}
