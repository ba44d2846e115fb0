using System.Collections.Generic;
using PerplexityKeys.Core.Vault;

namespace PerplexityKeys.Core.Rotation;

/// <summary>The outcome of one rotation run.</summary>
public sealed class RotationResult
{
    /// <summary>The vault.</summary>
    public string Vault { get; init; } = string.Empty;

    /// <summary>S.</summary>
    public string SecretName { get; init; } = string.Empty;

    /// <summary>The run id, when a rotation is under way.</summary>
    public string? RunId { get; set; }

    /// <summary>K_old's fingerprint.</summary>
    public string? OldFingerprint { get; set; }

    /// <summary>K_new's fingerprint.</summary>
    public string? NewFingerprint { get; set; }

    /// <summary>Where the rotation stands after this run.</summary>
    public RotationState State { get; set; }

    /// <summary>True when the new key is current and the old one is kept because the rotation was staged: only -Stage Finish revokes it.</summary>
    public bool AwaitingFinish { get; set; }

    /// <summary>True when the key was not rotated because it is younger than the request's MaxAge (or of unknown age, with SkipUnknownAge).</summary>
    public bool NotDue { get; set; }

    /// <summary>With MaxAge: the key's age as the journal records it when the run looked; null when unknown.</summary>
    public TimeSpan? Age { get; set; }

    /// <summary>True when this run found a rotation under way and carried it on.</summary>
    public bool Resumed { get; set; }

    /// <summary>The steps this run took.</summary>
    public List<RotationStep> Steps { get; } = [];

    /// <summary>Token names of keys that may exist but that the module could not keep or revoke.</summary>
    public List<string> PossibleOrphans { get; } = [];

    /// <summary>The operations this run made on the vault, by kind (docs/rotation.md, "Vault operations").</summary>
    public VaultOperationCounts VaultOperations { get; } = new();
}
