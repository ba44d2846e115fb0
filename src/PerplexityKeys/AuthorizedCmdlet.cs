using System.Security;

namespace PerplexityKeys;

/// <summary>
/// A cmdlet whose API calls are authorized by a key of the caller's (AuthorizingKey): it offers
/// <see cref="AuthorizationParameters"/> (-ApiKey, -ApiKeySecretName, -ApiKeyVault) as its dynamic parameters.
/// </summary>
public abstract class AuthorizedCmdlet : PplxCmdlet, IDynamicParameters
{
    /// <summary>The authorizing key's parameters, as bound.</summary>
    protected virtual AuthorizationParameters Authorization { get; } = new();

    /// <summary>-ApiKey.</summary>
    protected SecureString? ApiKey => Authorization.ApiKey;

    /// <summary>-ApiKeySecretName.</summary>
    protected string? ApiKeySecretName => Authorization.ApiKeySecretName;

    /// <summary>-ApiKeyVault.</summary>
    protected string? ApiKeyVault => Authorization.ApiKeyVault;

    /// <inheritdoc />
    public object GetDynamicParameters() => Authorization;
}
