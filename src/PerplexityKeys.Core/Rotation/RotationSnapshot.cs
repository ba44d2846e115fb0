
namespace PerplexityKeys.Core.Rotation;

/// <summary>
/// What the vault holds for one secret's rotation, read once when a run starts: S's key, the pending and previous
/// helpers (null when idle) and the journal (null when no rotation is under way). <see cref="RotationDerivation"/>
/// says which state it means.
/// </summary>
internal sealed record RotationSnapshot(ApiKey Current, ApiKey? Pending, ApiKey? Previous, RotationJournal? Journal);
