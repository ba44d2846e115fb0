using System.Threading;

namespace PerplexityKeys.Core.Rotation;

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

    /// <summary>
    /// Rotate only a key at least this old (its age from the journal, KeyStandings); a younger one is not rotated and the
    /// result says so (<see cref="RotationResult.NotDue"/>). A rotation under way is always carried on. Null: always rotate.
    /// </summary>
    public TimeSpan? MaxAge { get; init; }

    /// <summary>With <see cref="MaxAge"/>: a key whose age is unknown (the journal does not record it) is not rotated. Default: it is.</summary>
    public bool SkipUnknownAge { get; init; }

    /// <summary>Hands K_new to consumers (e.g. restarts a service) once it is current. Runs once per rotation.</summary>
    public Func<ApiKey, MintedTokenInfo, CancellationToken, Task>? OnNewToken { get; init; }

    /// <summary>Told when the propagation wait begins, and when it will end (for a progress bar); from any thread.</summary>
    public Action<DateTimeOffset>? OnPropagationWait { get; init; }
}
