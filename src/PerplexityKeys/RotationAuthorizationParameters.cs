using System.Security;

namespace PerplexityKeys;

/// <summary>Invoke-PplxRotation's <see cref="AuthorizationParameters"/>: the same parameters, with what -ApiKey means in a rotation.</summary>
public sealed class RotationAuthorizationParameters : AuthorizationParameters
{
    /// <summary>
    /// <para type="description">A master key that mints and revokes. Default: the key being rotated mints, and the new key revokes the old one.</para>
    /// </summary>
    /// <remarks>Only what it says: a rotation never reads $env:PERPLEXITY_API_KEY, which may be the very key being rotated.</remarks>
    [Parameter]
    public override SecureString? ApiKey { get => base.ApiKey; set => base.ApiKey = value; }
}
