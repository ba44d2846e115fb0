namespace PerplexityKeys.Core.Rotation;

/// <summary>Why a rotation stopped.</summary>
public enum RotationFailure
{
    /// <summary>A sibling name (pending, previous, journal) holds a secret the module did not write.</summary>
    SiblingNameTaken,

    /// <summary>Another run of the same rotation won the race.</summary>
    Conflict,

    /// <summary>The new key failed or could not be kept; the old key is current again.</summary>
    RolledBack,

    /// <summary>Rolling back failed too; the siblings are left in place for a resume.</summary>
    RollbackFailed,

    /// <summary>Another run on this machine holds the lock.</summary>
    LockTimeout,

    /// <summary>-Abort after the new key became current.</summary>
    AbortTooLate,

    /// <summary>A transient failure stopped the run with its state intact: run the same command again.</summary>
    Interrupted,

    /// <summary>The mint's answer was lost: a key may exist under the token name.</summary>
    MintOutcomeUnknown,
}
