using System.Security;
using PerplexityKeys.Core.Vault;

namespace PerplexityKeys;

/// <summary>
/// The key that authorizes a mint or a revoke: -ApiKey, else the secret -ApiKeySecretName names (in -ApiKeyVault, or
/// SecretManagement's search), else $env:PERPLEXITY_API_KEY. A key of an odd shape is used, with a warning.
/// </summary>
internal static class AuthorizingKey
{
    /// <summary>The authorizing key.</summary>
    /// <exception cref="PplxApiKeyMissingException">None was given.</exception>
    public static ApiKey Resolve(PplxCmdlet cmdlet, SecureString? apiKey, string? apiKeySecretName, string? apiKeyVault) =>
        TryResolve(cmdlet, apiKey, apiKeySecretName, apiKeyVault)
        ?? throw new PplxApiKeyMissingException($"No key authorizes this call: pass -ApiKey (a SecureString) or -ApiKeySecretName, or set $env:{PplxCmdlet.ApiKeyVariable}.");

    /// <summary>As <see cref="Resolve"/>, but null when none is given.</summary>
    public static ApiKey? TryResolve(PplxCmdlet cmdlet, SecureString? apiKey, string? apiKeySecretName, string? apiKeyVault)
    {
        ApiKey? key = apiKey is not null ? ApiKey.FromSecureString(apiKey)
            : apiKeySecretName is not null ? cmdlet.VaultFor(apiKeyVault).ReadKey(apiKeySecretName) ?? throw new PplxSecretNotFoundException(apiKeyVault ?? "(any vault)", apiKeySecretName)
            : Environment.GetEnvironmentVariable(PplxCmdlet.ApiKeyVariable) is { Length: > 0 } text ? ApiKey.Create(text)
            : null;
        if (key is not null)
        {
            cmdlet.WarnOnOddShape(key);
        }

        return key;
    }
}
