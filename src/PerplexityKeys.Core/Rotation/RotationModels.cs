using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using PerplexityKeys.Core.Model;

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

/// <summary>What to rotate and how.</summary>
public sealed class RotationRequest
{
    /// <summary>S: the secret holding the key.</summary>
    public string SecretName { get; init; } = string.Empty;

    /// <summary>What to do: rotate, prepare, finish or abort (RotationMachine has what each does in each state).</summary>
    public RotationIntent Intent { get; init; } = RotationIntent.Rotate;

    /// <summary>How long consumers get to pick up K_new before K_old is revoked (counted from promotion).</summary>
    public TimeSpan PropagationDelay { get; init; }

    /// <summary>A master key that mints and revokes; null = K_old mints and K_new revokes K_old.</summary>
    public ApiKey? AuthorizingKey { get; init; }

    /// <summary>The probe that proves K_new.</summary>
    public ProbeKind Probe { get; init; } = ProbeKind.Free;

    /// <summary>A model K_new must be able to use (Free: in its model list; Completion: the model run). Null: any (Free) or the default (Completion).</summary>
    public string? Model { get; init; }

    /// <summary>Hands K_new to consumers (e.g. restarts a service) once it is current. Runs once per rotation.</summary>
    public Func<ApiKey, MintedTokenInfo, CancellationToken, Task>? OnNewToken { get; init; }
}

/// <summary>What is known of the new key when it is handed off.</summary>
/// <param name="TokenName">The token name it was minted under.</param>
/// <param name="RunId">The rotation's run id.</param>
public sealed record MintedTokenInfo(string TokenName, string RunId);

/// <summary>One step of a rotation, as reported.</summary>
/// <param name="Name">The step.</param>
/// <param name="StartedAt">When it began.</param>
/// <param name="Duration">How long it took.</param>
/// <param name="Outcome">What came of it.</param>
public sealed record RotationStep(string Name, DateTimeOffset StartedAt, TimeSpan Duration, string Outcome);

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

    /// <summary>True when this run found a rotation under way and carried it on.</summary>
    public bool Resumed { get; set; }

    /// <summary>The steps this run took.</summary>
    public List<RotationStep> Steps { get; } = [];

    /// <summary>Token names of keys that may exist but that the module could not keep or revoke.</summary>
    public List<string> PossibleOrphans { get; } = [];
}
