using System.Security;

namespace PerplexityKeys;

/// <summary>
/// A cmdlet whose API calls are authorized by a key of the caller's (AuthorizingKey): -ApiKey, or a master key kept in a
/// vault (-ApiKeySecretName, -ApiKeyVault). Revoke-PplxToken takes keys as well (KeyInputCmdlet) and declares the same
/// three parameters with this class's help (inheritdoc).
/// </summary>
public abstract class AuthorizedCmdlet : PplxCmdlet
{
    /// <summary>
    /// <para type="description">The key that authorizes the mint or revocation. Default: $env:PERPLEXITY_API_KEY.</para>
    /// </summary>
    [Parameter]
    public virtual SecureString? ApiKey { get; set; }

    /// <summary>
    /// <para type="description">The secret holding the authorizing key (a master key kept in a vault).</para>
    /// </summary>
    [Parameter]
    [ArgumentCompleter(typeof(SecretNameCompleter))]
    public string? ApiKeySecretName { get; set; }

    /// <summary>
    /// <para type="description">The vault of -ApiKeySecretName. Default: SecretManagement's search (default vault first).</para>
    /// </summary>
    [Parameter]
    [ArgumentCompleter(typeof(VaultNameCompleter))]
    public string? ApiKeyVault { get; set; }
}
