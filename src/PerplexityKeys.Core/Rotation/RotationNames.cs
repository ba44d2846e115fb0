namespace PerplexityKeys.Core.Rotation;

/// <summary>The names a rotation of one secret uses: the secret and its three helpers.</summary>
/// <param name="Secret">S, the secret that holds the key services use.</param>
/// <param name="Pending">The pending helper.</param>
/// <param name="Previous">The previous helper.</param>
/// <param name="Journal">The journal helper.</param>
public sealed record RotationNames(string Secret, string Pending, string Previous, string Journal)
{
    /// <summary>The names for <paramref name="secretName"/>.</summary>
    public static RotationNames Of(string secretName) => new(
        secretName,
        SiblingNames.Of(secretName, SiblingNames.PendingSuffix),
        SiblingNames.Of(secretName, SiblingNames.PreviousSuffix),
        SiblingNames.Of(secretName, SiblingNames.JournalSuffix));
}
