using System.Security;

namespace PerplexityKeys;

/// <summary>
/// The parameters of the key that authorizes a mint or a revocation (AuthorizingKey): -ApiKey, or a master key kept in a
/// vault (-ApiKeySecretName, -ApiKeyVault). Declared once, here: the cmdlets that take them offer this object as their
/// dynamic parameters (IDynamicParameters), since Revoke-PplxToken takes keys as well (KeyInputCmdlet) and a class has
/// one base. PowerShell binds, completes and documents them as it does declared ones.
/// </summary>
public class AuthorizationParameters
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
