using PerplexityKeys.Core.Api;
using PerplexityKeys.Core.Minting;
using PerplexityKeys.Core.Rotation;
using PerplexityKeys.Core.Vault;

namespace PerplexityKeys.Commands;

/// <summary>
/// <para type="synopsis">Mints a new Perplexity API key.</para>
/// <para type="description">Calls POST /generate_auth_token, authorized by an existing key (-ApiKey, else $env:PERPLEXITY_API_KEY), and writes a PplxToken whose key is a SecureString. The API shows a new key only once: keep the object, or pipe it on.</para>
/// <para type="errors">ErrorIds: ApiKeyNotFound, ApiKeyUnauthorized, ApiKeyForbidden, ApiRateLimited, ApiServerError, ApiUnreachable, ApiTimeout, ApiResponseInvalid, ApiEndpointRetired, TokenNameInvalid, TokenMintOutcomeUnknown (a key may exist: find it in the portal by its token name), BaseUriInvalid, VaultNotFound, VaultLocked, SecretExists, VaultOperationFailed, VaultTimeout, CiVariableInvalid, CiVariableUnsupported, ParameterCombinationInvalid (a second key for one -CiVariable). FullyQualifiedErrorId is the ErrorId, a comma and the cmdlet's class name.</para>
/// </summary>
/// <example>
/// <code>$token = New-PplxToken -TokenName 'billing' -ApiKey (Read-Host -AsSecureString 'Admin key')</code>
/// <para>Mints a key named 'billing', authorized by an admin key typed at the prompt.</para>
/// </example>
/// <example>
/// <code>New-PplxToken -TokenName billing -ApiKeySecretName pplx-admin -Vault Prod -SecretName pplx-billing</code>
/// <para>Mints a key with a master key read from a vault and stores it as the secret 'pplx-billing' in vault 'Prod'.</para>
/// </example>
/// <example>
/// <code>'svc-a', 'svc-b' | New-PplxToken | Test-PplxToken</code>
/// <para>Mints one key per name (authorized by $env:PERPLEXITY_API_KEY) and proves each.</para>
/// </example>
/// <example>
/// <code>$ErrorActionPreference = 'Stop'; New-PplxToken -TokenName ci-deploy -ApiKeySecretName pplx-admin -ApiKeyVault Prod -Vault Prod -SecretName pplx-ci -VaultPassword (Get-Secret storepass) -AuditLog C:\Logs\pplx.jsonl</code>
/// <para>Unattended (a scheduled task): mints straight into a locked vault without a prompt, audits the mint and the store, and ends the script with a non-zero exit code if anything failed.</para>
/// </example>
[Cmdlet(VerbsCommon.New, "PplxToken", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = MintSet)]
[OutputType(typeof(PplxToken))]
public sealed class NewPplxTokenCommand : AuthorizedCmdlet
{
    private const string MintSet = "Mint";
    private const string StoreSet = "Store";

    private ApiKey? _authorizingKey;
    private Uri? _baseUri;
    private CiVariableHandOn? _handOn;

    /// <summary>
    /// <para type="description">The name the key is minted under, as the Perplexity portal shows it. Default: PerplexityKeys-&lt;UTC time&gt;-&lt;random&gt;, so that a key whose answer was lost can still be found. Several names from the pipeline mint one key each.</para>
    /// </summary>
    [Parameter(Position = 0, ValueFromPipeline = true)]
    public string? TokenName { get; set; }

    /// <summary>
    /// <para type="description">Store the new key in this SecretManagement vault. Goes with -SecretName: give both to store the key, or neither (PowerShell asks for the one left out, or fails where it cannot ask).</para>
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = StoreSet)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(VaultNameCompleter))]
    public string? Vault { get; set; }

    /// <summary>
    /// <para type="description">The secret to store the new key in, as a SecureString, with metadata (fingerprint, token name, created time) where the vault keeps metadata. Goes with -Vault.</para>
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = StoreSet)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(SecretNameCompleter))]
    public string? SecretName { get; set; }

    /// <summary>
    /// <para type="description">Overwrite an existing secret named -SecretName. The key it held is not revoked (consumers may still use it): a warning names its fingerprint so you can revoke it once nothing uses it. To replace a stored key without downtime and revoke the old one, use Invoke-PplxRotation.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>
    /// <para type="description">Under Azure Pipelines or GitHub Actions, hands the new key on to the job's later steps as a secret variable of this name (letters, digits, '_', '.', '-'): an Azure Pipelines secret variable, or on GitHub a masked step output. That line is the one place the module writes a key to standard output. One key per variable: a second name piped in is refused. Anywhere else it is refused (CiVariableUnsupported) before anything is minted.</para>
    /// </summary>
    [Parameter]
    public string? CiVariable { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        try
        {
            _handOn = CiVariableHandOn.For(CiVariable, Ci);
            _baseUri = ResolveBaseUri(null);
            UnlockIfAsked(ApiKeyVault, VaultPassword);
            UnlockIfAsked(Vault, VaultPassword);
            _authorizingKey = AuthorizingKey.Resolve(this, ApiKey, ApiKeySecretName, ApiKeyVault);
        }
        catch (PplxException e)
        {
            Fail(e, BaseUri);
        }
    }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        string name;
        try
        {
            name = TokenName is null ? TokenNamePolicy.Generate(SystemClock.UtcNow) : TokenNamePolicy.Validate(TokenName);
        }
        catch (PplxTokenNameException e)
        {
            WriteItemError(e, TokenName);
            return;
        }

        if (_handOn?.Refusal(name) is { } refusal)
        {
            WriteItemError(refusal, name);
            return;
        }

        string storeText = SecretName is null ? string.Empty : $" and store it as '{SecretName}' in vault '{Vault}'";
        if (!ShouldProcess(OutsideText.Escape($"a new key named '{name}' at {_baseUri}{storeText}"), "Mint Perplexity API key"))
        {
            return;
        }

        SecretManagementVault? vault = Vault is null ? null : VaultFor(Vault);
        ApiKey? overwritten = null;
        try
        {
            if (vault is not null && vault.Exists(SecretName!))
            {
                if (!Force)
                {
                    throw new PplxSecretExistsException(Vault!, SecretName!);
                }

                // -Force replaces the value; the key it held stays live (consumers may still use it), so it is named.
                overwritten = vault.ReadKey(SecretName!);
            }
        }
        catch (PplxException e)
        {
            WriteItemError(e, SecretName);
            return;
        }

        ApiKey authorizingKey = _authorizingKey!;
        PplxClient client = ClientFor(_baseUri!);
        Progress.Item($"minting '{name}'");
        WriteVerbose(OutsideText.Escape($"Minting a key named '{name}' at {_baseUri}, authorized by {authorizingKey.Fingerprint}."));
        try
        {
            MintedToken minted = vault is null
                ? Run((observer, ct) => client.GenerateTokenAsync(authorizingKey, name, observer, ct))
                : Stored(Run((dispatcher, ct) => new VaultMint(client, new PipelineVault(vault, dispatcher)).MintAsync(SecretName!, name, authorizingKey, dispatcher, ct)), authorizingKey);
            if (vault is null)
            {
                Minted(minted, authorizingKey);
            }

            if (overwritten is not null && !overwritten.Equals(minted.Key))
            {
                WriteWarning($"'{OutsideText.Escape(SecretName!)}' in vault '{OutsideText.Escape(Vault!)}' held {overwritten.Fingerprint}, which -Force replaced and which still works: revoke it (Revoke-PplxToken) once nothing uses it. Invoke-PplxRotation replaces a stored key without downtime and revokes the old one.");
            }

            var token = new PplxToken(minted.Key, minted.TokenName ?? name, minted.CreatedAt, _baseUri);
            WriteObject(token);
            if (_handOn?.HandOn(token.Key) is { } notHandedOn)
            {
                WriteItemError(notHandedOn, name);
            }
        }
        catch (PplxException e)
        {
            Audit([new AuditEntry(SystemClock.UtcNow, "Mint", "Failed") { Vault = Vault, Secret = SecretName, Failure = ErrorRecords.FailureId(e), Message = e.Message }]);
            WriteItemError(e, name);
        }
    }

    /// <summary>Audits and reports a key just minted, warning when the API's clock and this machine's disagree.</summary>
    private void Minted(MintedToken minted, ApiKey authorizingKey)
    {
        string name = minted.TokenName ?? string.Empty;
        Audit([new AuditEntry(SystemClock.UtcNow, "Mint", "Done") { NewFingerprint = minted.Key.Fingerprint, Message = $"Minted a key named '{name}', authorized by {authorizingKey.Fingerprint}." }]);
        WriteVerbose(OutsideText.EscapeRedacted($"Minted {minted.Key.Fingerprint} named '{name}'."));
        TimeSpan skew = minted.CreatedAt - SystemClock.UtcNow;
        if (skew.Duration() > TimeSpan.FromMinutes(5))
        {
            WriteWarning($"The API says {minted.Key.Fingerprint} was created at {minted.CreatedAt:u}, {skew.Duration().TotalMinutes:0} minutes {(skew > TimeSpan.Zero ? "ahead of" : "behind")} this machine's clock; check the clock before relying on key ages.");
        }
    }

    /// <summary>
    /// Records what the core did with a key minted into the vault (VaultMint): audited, and a key that could not be
    /// stored is thrown as the store's failure after its revocation (or why it may be live) is audited and warned of.
    /// </summary>
    private MintedToken Stored(VaultMintResult result, ApiKey authorizingKey)
    {
        MintedToken minted = result.Minted;
        Minted(minted, authorizingKey);
        string tokenName = minted.TokenName ?? string.Empty;
        switch (result.Outcome)
        {
            case VaultMintOutcome.Stored:
                if (!result.MetadataKept)
                {
                    WriteVerbose(OutsideText.Escape($"The vault '{Vault}' keeps no metadata; stored the key without it."));
                }

                WriteVerbose(OutsideText.Escape($"Stored {minted.Key.Fingerprint} as '{SecretName}' in vault '{Vault}'."));
                if (result.JournalSkipped is { } why)
                {
                    WriteWarning($"The key's creation time was not recorded in the secret's journal ({why}), so Get-PplxToken shows its age as unknown.");
                }

                Audit([new AuditEntry(SystemClock.UtcNow, "Store", "Done") { Vault = Vault, Secret = SecretName, NewFingerprint = minted.Key.Fingerprint }]);
                return minted;
            case VaultMintOutcome.StoreFailed:
                string? live = result.StillLive;
                WriteVerbose($"Storing {minted.Key.Fingerprint} failed; it was revoked{(live is null ? string.Empty : " as far as could be proven")}.");
                Audit([new AuditEntry(SystemClock.UtcNow, "Revoke", live is null ? "Done" : "Failed") { Vault = Vault, Secret = SecretName, OldFingerprint = minted.Key.Fingerprint, Message = live is null ? "The new key could not be stored, so it was revoked." : $"The new key could not be stored, and {live}: find '{tokenName}' in the portal and revoke it." }]);
                if (live is not null)
                {
                    WriteWarning(OutsideText.Escape($"The new key could not be stored, and {live}: find the key named '{tokenName}' in the Perplexity portal and revoke it."));
                }

                throw result.StoreFailure!;
            default:
                throw result.StoreFailure!;
        }
    }
}
