using System.Linq;
using PerplexityKeys.Core.Rotation;

namespace PerplexityKeys;

/// <summary>What Invoke-PplxRotation did to one secret.</summary>
public sealed class PplxRotationResult
{
    internal PplxRotationResult(RotationResult result)
    {
        Vault = result.Vault;
        SecretName = result.SecretName;
        RunId = result.RunId;
        OldFingerprint = result.OldFingerprint;
        NewFingerprint = result.NewFingerprint;
        State = result.State;
        Resumed = result.Resumed;
        AwaitingFinish = result.AwaitingFinish;
        NotDue = result.NotDue;
        Age = result.Age;
        Steps = result.Steps.ToArray();
        PossibleOrphans = result.PossibleOrphans.ToArray();
        Duration = TimeSpan.FromTicks(result.Steps.Sum(s => s.Duration.Ticks));
        VaultOperations = result.VaultOperations.Total;
        VaultReads = result.VaultOperations.Reads;
        VaultWrites = result.VaultOperations.Writes;
        VaultMetadataWrites = result.VaultOperations.MetadataWrites;
        SecretManagementCalls = result.VaultOperations.BackendCalls;
    }

    /// <summary>The vault.</summary>
    public string Vault { get; }

    /// <summary>The secret rotated.</summary>
    public string SecretName { get; }

    /// <summary>The rotation's run id (part of the new key's token name).</summary>
    public string? RunId { get; }

    /// <summary>The fingerprint of the key the secret held at the start.</summary>
    public string? OldFingerprint { get; }

    /// <summary>The fingerprint of the new key.</summary>
    public string? NewFingerprint { get; }

    /// <summary>Done, Propagating (prepared), RolledBack, Aborted, or where a stopped run left it.</summary>
    public RotationState State { get; }

    /// <summary>True when this run carried on a rotation an earlier run had begun.</summary>
    public bool Resumed { get; }

    /// <summary>True when the new key is current and the old one kept because the rotation was started with -Stage Prepare: only -Stage Finish revokes it.</summary>
    public bool AwaitingFinish { get; }

    /// <summary>True when -MaxAge left the key unrotated: it is younger (or its age is unknown, with -SkipUnknownAge).</summary>
    public bool NotDue { get; }

    /// <summary>With -MaxAge: the key's age when the run looked (from the journal); null when unknown.</summary>
    public TimeSpan? Age { get; }

    /// <summary>Each step with its start, duration and outcome.</summary>
    public IReadOnlyList<RotationStep> Steps { get; }

    /// <summary>Token names of keys that may exist unkept: find them in the Perplexity portal.</summary>
    public IReadOnlyList<string> PossibleOrphans { get; }

    /// <summary>The time the steps took.</summary>
    public TimeSpan Duration { get; }

    /// <summary>The vault operations this run made: reads, writes and metadata writes (docs/rotation.md, "Vault operations").</summary>
    public int VaultOperations { get; }

    /// <summary>Secret values read (the run's reads of the secret and its helpers, and its deliberate re-reads).</summary>
    public int VaultReads { get; }

    /// <summary>Secret values written (helpers set idle included).</summary>
    public int VaultWrites { get; }

    /// <summary>Metadata writes (Set-SecretInfo), in vaults that keep metadata or not.</summary>
    public int VaultMetadataWrites { get; }

    /// <summary>The SecretManagement calls those operations took (a Get-SecretInfo where a secret's type or metadata is kept, an unlock after a relock).</summary>
    public int? SecretManagementCalls { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Vault}/{SecretName}: {(NotDue ? "NotDue" : State.ToString())}";
}
