namespace PerplexityKeys.Core.Rotation;

/// <summary>One row of the rotation table.</summary>
/// <param name="From">The state the run is in.</param>
/// <param name="Intent">What the run was asked to do.</param>
/// <param name="Guard">When the row applies (rows with a guard are tried first).</param>
/// <param name="Work">What the run does.</param>
/// <param name="To">Where the run is when the work succeeds.</param>
/// <param name="OrElse">Where the work itself may move the run instead (a rollback, a lost mint); staying put on an error is always possible.</param>
public sealed record RotationMove(RotationState From, RotationIntent Intent, RotationGuard Guard, RotationWork Work, RotationState To, params RotationState[] OrElse);
