using PerplexityKeys.Core.Rotation;

namespace PerplexityKeys;

/// <summary>
/// What to do next, in PowerShell's terms (parameters, cmdlets): the core's messages say what happened and never name a
/// cmdlet or a parameter, so the advice is added here, as ErrorDetails.RecommendedAction, by ErrorId.
/// </summary>
internal static class ErrorAdvice
{
    /// <summary>A proxy refused to authenticate the client (407), reported as ApiUnreachable or ApiRequestRejected.</summary>
    public const string ProxyAuthentication = "Pass the proxy's credentials with -ProxyCredential (and -Proxy for a proxy other than the system's).";

    /// <summary>A rotation whose mint was refused: the key in the secret cannot authorize its own rotation.</summary>
    public const string MasterKey = "Pass a master key that works: -ApiKeySecretName with -ApiKeyVault, or -ApiKey.";

    /// <summary>The advice for each ErrorId that has one.</summary>
    public static readonly IReadOnlyDictionary<string, string> ByErrorId = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [ErrorIds.TokenNameInvalid] = "Leave -TokenName out for a generated name.",
        [ErrorIds.ModelInvalid] = "Pass -Model one of the ids GET /v1/models lists for the key (Test-PplxToken shows them as Models).",
        [ErrorIds.VaultNotFound] = "Get-SecretVault lists the registered vaults.",
        [ErrorIds.VaultLocked] =
            "Pass -VaultPassword (a SecureString, or a PSCredential from Get-Secret) so the module unlocks the vault (Unlock-SecretVault) first, and again if it relocks during the run."
            + " In a scheduled task, read the password from a file only the task's account can read, or configure SecretStore not to prompt: Set-SecretStoreConfiguration -Interaction None"
            + " (with -Authentication None, or keep the password and pass it with -VaultPassword); a vault that relocks mid-run wants a longer -PasswordTimeout.",
        [ErrorIds.VaultTimeout] = "Give a slow vault more time with -TimeoutSec (default 30 s).",
        [ErrorIds.SecretExists] = "Pass -Force to overwrite it.",
        [ErrorIds.KeyShared] = "Pass -AllowSharedKey to rotate anyway (then update or rotate the copies), or give each service a key of its own.",
        [ErrorIds.KeyCopiesUnknown] = "Unlock those vaults and run again, or pass -AllowSharedKey to rotate without that check.",
        [ErrorIds.RotationAbortTooLate] = "Run Invoke-PplxRotation -Stage Finish to complete the rotation instead.",
        [ErrorIds.EnvironmentVariableNotSet] = "Map the secret into the step's environment (Azure Pipelines: env: { PPLX_KEY: $(PPLX_KEY) }, with PPLX_KEY defined; GitHub Actions: env: { PPLX_KEY: ${{ secrets.PPLX_KEY }} }), or pass the key another way (-SecretName, -Key).",
        [ErrorIds.EnvironmentVariableNameInvalid] = "Pass -EnvironmentVariable the variable's name, such as PPLX_KEY (not $env:PPLX_KEY, its value).",
        [ErrorIds.CiVariableInvalid] = "Pass -CiVariable a name of letters, digits, '_', '.' and '-', such as PPLX_KEY.",
        [ErrorIds.CiVariableUnsupported] = "Leave -CiVariable out where no pipeline runs the command: the key is in the PplxToken New-PplxToken writes, or in the vault.",
    };

    /// <summary>The advice for a failure reported under <paramref name="errorId"/>, or null.</summary>
    public static string? For(string errorId, Exception error) =>
        error is PplxConnectionException { IsProxyAuthenticationFailure: true } or PplxApiException { StatusCode: 407 } ? ProxyAuthentication
        : error is PplxRotationException { InnerException: PplxUnauthorizedException } ? MasterKey
        : ByErrorId.TryGetValue(errorId, out string? advice) ? advice
        : null;
}
