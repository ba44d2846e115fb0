using PerplexityKeys.Core.Api;
using PerplexityKeys.Core.Rotation;

namespace PerplexityKeys.Commands;

/// <summary>
/// <para type="synopsis">Revokes Perplexity API keys.</para>
/// <para type="description">Calls POST /revoke_auth_token for each key, authorized by -ApiKey (else $env:PERPLEXITY_API_KEY). A revoked key is refused everywhere at once and cannot be restored. Asks for confirmation unless -Force or -Confirm:$false.</para>
/// <para type="errors">ErrorIds: ApiKeyNotFound, ApiKeyUnauthorized, ApiKeyForbidden, TokenNotFound (unknown or already revoked), ApiRateLimited, ApiServerError, ApiUnreachable, ApiTimeout, ApiEndpointRetired, KeyMalformed, ConfirmationRequired (no -Force where nobody can confirm), EnvironmentVariableNotSet, EnvironmentVariableNameInvalid, ParameterCombinationInvalid (-RemoveSecret without -Vault), SecretIsRotationHelper, VaultNotFound, VaultLocked, SecretNotFound, VaultOperationFailed, VaultTimeout.</para>
/// </summary>
/// <example>
/// <code>$token | Revoke-PplxToken -Force -PassThru</code>
/// <para>Revokes a key without a prompt and writes it back as the one revoked.</para>
/// </example>
/// <example>
/// <code>Revoke-PplxToken -Vault Prod -SecretName pplx-old -ApiKeySecretName pplx-admin -RemoveSecret -WhatIf</code>
/// <para>Shows what revoking a stored key (and removing its secret) would do, without doing it.</para>
/// </example>
/// <example>
/// <code>Get-SecretInfo -Vault Prod -Name 'pplx-old-*' | Revoke-PplxToken -ApiKeySecretName pplx-admin -ApiKeyVault Prod -Force -RemoveSecret</code>
/// <para>Revokes every key kept under a name starting with 'pplx-old-' and removes those secrets; helper secrets of rotations are skipped.</para>
/// </example>
/// <example>
/// <code>Revoke-PplxToken -EnvironmentVariable PPLX_LEAKED_KEY -ApiKeySecretName pplx-admin -ApiKeyVault Prod -Force</code>
/// <para>Revokes the key a pipeline step was handed in $env:PPLX_LEAKED_KEY; the command reads the variable itself.</para>
/// </example>
/// <example>
/// <code>pwsh -NonInteractive -File revoke.ps1   # revoke.ps1: $ErrorActionPreference = 'Stop'; Revoke-PplxToken -Vault Prod -SecretName pplx-leaked -ApiKeySecretName pplx-admin -ApiKeyVault Prod -Force -AuditLog /var/log/pplx.jsonl</code>
/// <para>Unattended: revokes a leaked key with no prompt, writes an audit line, and exits 1 if the revocation failed. Without -Force it would fail at once with ConfirmationRequired.</para>
/// </example>
[Cmdlet(VerbsSecurity.Revoke, "PplxToken", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = TokenSet)]
[OutputType(typeof(PplxToken))]
public sealed class RevokePplxTokenCommand : KeyInputCmdlet, IDynamicParameters
{
    private readonly AuthorizationParameters _authorization = new();
    private ApiKey? _authorizingKey;

    /// <summary>
    /// <para type="description">With -SecretName: also remove the secret from its vault once the key is revoked. Without it, the vault is not touched.</para>
    /// </summary>
    [Parameter(ParameterSetName = VaultSet)]
    public SwitchParameter RemoveSecret { get; set; }

    /// <summary>
    /// <para type="description">Revoke without asking for confirmation (-WhatIf still only reports).</para>
    /// </summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>
    /// <para type="description">Write each revoked key as a PplxToken.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>-ApiKey, -ApiKeySecretName, -ApiKeyVault: the key that authorizes the revocations.</summary>
    /// <returns>The <see cref="AuthorizationParameters"/> this command binds.</returns>
    public object GetDynamicParameters() => _authorization;

    /// <inheritdoc />
    protected override void Begin()
    {
        try
        {
            UnlockIfAsked(_authorization.ApiKeyVault, VaultPassword);
            _authorizingKey = AuthorizingKey.Resolve(this, _authorization.ApiKey, _authorization.ApiKeySecretName, _authorization.ApiKeyVault);
        }
        catch (PplxException e)
        {
            Fail(e, null);
        }
    }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (RemoveSecret && SecretNameGiven is not null && string.IsNullOrEmpty(Vault))
        {
            // SecretManagement removes only from a named vault: refuse before revoking, or the secret would stay behind holding a dead key.
            WriteItemError(new PplxConfigurationException("-RemoveSecret needs -Vault (SecretManagement removes a secret only from a named vault); nothing was revoked.", "RemoveSecret"), SecretNameGiven);
            return;
        }

        ApiKey authorizingKey = _authorizingKey!;
        foreach ((ApiKey key, PplxToken? token) in KeysGiven())
        {
            object target = (object?)token ?? (object?)SecretNameGiven ?? key.Fingerprint;
            try
            {
                Uri baseUri = ResolveBaseUri(token?.BaseUri);
                string label = token?.Name is { } name ? $"{key.Fingerprint} ('{name}') at {baseUri}" : $"{key.Fingerprint} at {baseUri}";
                if (!ShouldProcessOrForce(Force, label, "Revoke Perplexity API key"))
                {
                    continue;
                }

                PplxClient client = ClientFor(baseUri);
                Progress.Item($"revoking {key.Fingerprint}");
                WriteVerbose($"Revoking {key.Fingerprint} at {baseUri}, authorized by {authorizingKey.Fingerprint}.");
                RevokeOutcome outcome = Run((observer, ct) => client.RevokeTokenAsync(authorizingKey, key, observer, ct));
                string from = EnvironmentVariable is not { } variable ? string.Empty : $" (the key in $env:{EnvironmentKey.Shown(variable)})";
                Audit([new AuditEntry(SystemClock.UtcNow, "Revoke", "Done") { Vault = Vault, Secret = SecretNameGiven, OldFingerprint = key.Fingerprint, Message = $"Revoked{from}, authorized by {authorizingKey.Fingerprint} ({outcome})." }]);
                WriteVerbose(outcome == RevokeOutcome.Revoked
                    ? $"Revoked {key.Fingerprint}."
                    : $"Revoked {key.Fingerprint} (an earlier attempt whose answer was lost did it).");
                if (RemoveSecret && SecretNameGiven is { } secretName)
                {
                    VaultFor(Vault).Remove(secretName);
                    Audit([new AuditEntry(SystemClock.UtcNow, "RemoveSecret", "Done") { Vault = Vault, Secret = secretName, OldFingerprint = key.Fingerprint }]);
                    WriteVerbose(OutsideText.Escape($"Removed '{secretName}' from vault '{Vault}'."));
                }

                if (PassThru)
                {
                    // A token the command made for a secret or a variable learns the base URI it was revoked at, as a -Key does.
                    WriteObject(token is { BaseUri: not null } ? token : new PplxToken(key, token?.Name, token?.CreatedAt, baseUri));
                }
            }
            catch (PplxException e)
            {
                Audit([new AuditEntry(SystemClock.UtcNow, "Revoke", "Failed") { Vault = Vault, Secret = SecretNameGiven, OldFingerprint = key.Fingerprint, Failure = ErrorRecords.FailureId(e), Message = e.Message }]);
                WriteItemError(e, target);
            }
        }
    }
}
