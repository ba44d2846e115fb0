using System.Collections.Generic;
using System.Globalization;

namespace PerplexityKeys.Core.Rotation;

/// <summary>
/// The metadata the module writes beside a key it stored (in vaults that keep metadata): which key it is, the token
/// name to find it by in the portal, when it was minted, and the key it replaced. Never key text.
/// </summary>
public static class SecretMetadata
{
    /// <summary>The metadata of <paramref name="key"/>, minted at <paramref name="created"/> under <paramref name="tokenName"/>.</summary>
    /// <param name="key">The key stored.</param>
    /// <param name="tokenName">Its token name.</param>
    /// <param name="created">When it was minted.</param>
    /// <param name="rotatedFrom">The fingerprint of the key it replaced, when a rotation stored it.</param>
    public static Dictionary<string, string> Of(ApiKey key, string tokenName, DateTimeOffset created, string? rotatedFrom = null)
    {
        var metadata = new Dictionary<string, string>
        {
            ["PplxFingerprint"] = key.Fingerprint,
            ["PplxTokenName"] = tokenName,
            ["PplxCreatedAt"] = created.UtcDateTime.ToString("o", CultureInfo.InvariantCulture),
        };
        if (rotatedFrom is not null)
        {
            metadata["PplxRotatedFrom"] = rotatedFrom;
        }

        return metadata;
    }
}
