using PerplexityKeys.Core.Rotation;

namespace PerplexityKeys.Core.Inventory;

/// <summary>What the module's record (the journal) says about the key a secret holds now. Never key text.</summary>
/// <param name="Created">When the API created the key; null when the journal does not record the key the secret holds (set by hand, or never minted by the module).</param>
/// <param name="Age">How old the key is (now − <paramref name="Created"/>, never below zero); null when unknown.</param>
/// <param name="LastRotated">When the secret's last rotation that ended Done completed; null when none is recorded.</param>
/// <param name="Status">Whether a rotation is under way.</param>
/// <param name="StoppedAt">For a rotation under way: the state the journal shows it at (Minting, Minted, Promoted, Revoked).</param>
public sealed record KeyStanding(DateTimeOffset? Created, TimeSpan? Age, DateTimeOffset? LastRotated, KeyRotationStatus Status, RotationState? StoppedAt);
