
namespace PerplexityKeys.Core.Rotation;

/// <summary>One step of a rotation, as reported.</summary>
/// <param name="Name">The step.</param>
/// <param name="StartedAt">When it began.</param>
/// <param name="Duration">How long it took.</param>
/// <param name="Outcome">What came of it.</param>
public sealed record RotationStep(string Name, DateTimeOffset StartedAt, TimeSpan Duration, string Outcome);
