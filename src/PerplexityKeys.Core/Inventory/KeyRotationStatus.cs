namespace PerplexityKeys.Core.Inventory;

/// <summary>Where the rotation of a secret stands, as its journal says.</summary>
public enum KeyRotationStatus
{
    /// <summary>No rotation is under way (or the secret has no journal: it was never rotated or minted by the module).</summary>
    Idle,

    /// <summary>Prepared with -Stage Prepare: the new key is current, the old one kept, waiting for -Stage Finish.</summary>
    Prepared,

    /// <summary>A rotation is under way and not staged: a run stopped (or is running now); the same command carries it on.</summary>
    Interrupted,
}
