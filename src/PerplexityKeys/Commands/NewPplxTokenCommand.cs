using PerplexityKeys.Core.Api;
using PerplexityKeys.Core.Minting;
using PerplexityKeys.Core.Rotation;
using PerplexityKeys.Core.Vault;

namespace PerplexityKeys.Commands;

/// <summary>
/// <para type="synopsis">Mints a new Perplexity API key.</para>
/// <para type="description">Calls POST /generate_auth_token, authorized by an existing key (-ApiKey, else $env:PERPLEXITY_API_KEY), and writes a PplxToken whose key is a SecureString. The API shows a new key only once: keep the object, or pipe it on.</para>
/// <para type="errors">ErrorIds: ApiKeyNotFound, ApiKeyUnauthorized, ApiKeyForbidden, ApiRateLimited, ApiServerError, ApiUnreachable, ApiTimeout, ApiResponseInvalid, ApiEndpointRetired, TokenNameInvalid, TokenMintOutcomeUnknown (a key may exist: find it in the portal by its token name), BaseUriInvalid, VaultNotFound, VaultLocked, SecretExists, SecretIsRotationHelper (-SecretName names a rotation's helper secret), VaultOperationFailed, VaultTimeout, CiVariableInvalid, CiVariableUnsupported, ParameterCombinationInvalid (a second key for one -CiVariable). FullyQualifiedErrorId is the ErrorId, a comma and the cmdlet's class name.</para>
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
/// <code>Import-Csv .\services.csv | New-PplxToken -Vault Prod -ThrottleLimit 4</code>
/// <para>Mints one key per row (columns TokenName and SecretName) into its own secret of vault 'Prod', four mints at a time; the keys come out in the order of the rows.</para>
/// </example>
/// <example>
/// <code>$ErrorActionPreference = 'Stop'; New-PplxToken -TokenName ci-deploy -ApiKeySecretName pplx-admin -ApiKeyVault Prod -Vault Prod -SecretName pplx-ci -VaultPassword (Get-Secret storepass) -AuditLog C:\Logs\pplx.jsonl</code>
/// <para>Unattended (a scheduled task): mints straight into a locked vault without a prompt, audits the mint and the store, and ends the script with a non-zero exit code if anything failed.</para>
/// </example>
[Cmdlet(VerbsCommon.New, "PplxToken", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = MintSet)]
[OutputType(typeof(PplxToken))]
public sealed partial class NewPplxTokenCommand : AuthorizedCmdlet
{
    private const string MintSet = "Mint";
    private const string StoreSet = "Store";

    private ApiKey? _authorizingKey;
    private Uri? _baseUri;
    private CiVariableHandOn? _handOn;
    private OrderedWork<Minting>? _work;
    private readonly HashSet<string> _storing = new(StringComparer.OrdinalIgnoreCase); // vault/secret of mints in flight
    private readonly HashSet<string> _unlocked = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// <para type="description">The name the key is minted under, as the Perplexity portal shows it. Default: PerplexityKeys-&lt;UTC time&gt;-&lt;random&gt;, so that a key whose answer was lost can still be found. Several names from the pipeline mint one key each.</para>
    /// </summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    public string? TokenName { get; set; }

    /// <summary>
    /// <para type="description">Store the new key in this SecretManagement vault. Goes with -SecretName: give both to store the key, or neither (PowerShell asks for the one left out, or fails where it cannot ask).</para>
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = StoreSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(VaultNameCompleter))]
    public string? Vault { get; set; }

    /// <summary>
    /// <para type="description">The secret to store the new key in, as a SecureString, with metadata (fingerprint, token name, created time) where the vault keeps metadata. Goes with -Vault. Objects piped in with TokenName, SecretName (and Vault) properties, from Import-Csv say, mint one key into each secret.</para>
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = StoreSet, ValueFromPipelineByPropertyName = true)]
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

    /// <summary>
    /// <para type="description">How many mints run at once when several names are piped in (default 1: one after another). Keys come out in the input order; vault calls (-Vault) are made one at a time, as SecretManagement needs, and two names for one secret never overlap; the organisation's rate limit (-MaxRequestsPerMinute) paces them all; Ctrl+C stops every mint in flight, and a key already minted but not yet written out or stored is revoked (nobody holds it; the audit log records it). Each name is minted once: a failure is that name's error and the others go on.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = 1;

    /// <inheritdoc />
    protected override void Begin()
    {
        try
        {
            _handOn = CiVariableHandOn.For(CiVariable, Ci);
            _baseUri = ResolveBaseUri(null);
            UnlockIfAsked(ApiKeyVault, VaultPassword);
            if (Vault is not null)
            {
                UnlockIfAsked(Vault, VaultPassword);
                _unlocked.Add(Vault);
            }

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

        if (SecretName is not null && IsRotationHelper(SecretName, alwaysAnError: true))
        {
            return; // a rotation's helper secret is never a key of its own
        }

        string storeText = SecretName is null ? string.Empty : $" and store it as '{SecretName}' in vault '{Vault}'";
        if (!ShouldProcess(OutsideText.Escape($"a new key named '{name}' at {_baseUri}{storeText}"), "Mint Perplexity API key"))
        {
            return;
        }

        // A name for a secret an earlier item is still storing into waits for it, so this item's check sees its key.
        string? vaultName = Vault;
        string? secretName = SecretName;
        string? target = vaultName is null ? null : vaultName + "/" + secretName;
        if (target is not null && _storing.Contains(target))
        {
            _work?.Finish();
        }

        SecretManagementVault? vault = vaultName is null ? null : VaultFor(vaultName);
        ApiKey? overwritten = null;
        try
        {
            if (vaultName is not null && !_unlocked.Contains(vaultName))
            {
                UnlockIfAsked(vaultName, VaultPassword); // a vault named by an object piped in (BeginProcessing unlocked -Vault)
                _unlocked.Add(vaultName);
            }

            if (vault is not null && vault.Exists(secretName!))
            {
                if (!Force)
                {
                    throw new PplxSecretExistsException(vaultName!, secretName!);
                }

                // -Force replaces the value; the key it held stays live (consumers may still use it), so it is named.
                overwritten = vault.ReadKey(secretName!);
            }
        }
        catch (PplxException e)
        {
            WriteItemError(e, secretName);
            return;
        }

        ApiKey authorizingKey = _authorizingKey!;
        PplxClient client = ClientFor(_baseUri!);
        Progress.Item($"minting '{name}'");
        WriteVerbose(OutsideText.Escape($"Minting a key named '{name}' at {_baseUri}, authorized by {authorizingKey.Fingerprint}."));
        _work ??= new OrderedWork<Minting>(new PipelineDispatcher(message => WriteVerbose(OutsideText.Escape(message))), ThrottleLimit, StopToken);
        var item = new MintItem(name, vaultName, secretName, target, overwritten, authorizingKey);
        if (target is not null)
        {
            _storing.Add(target);
        }

        _work.Start(
            async (dispatcher, ct) => vault is null
                ? new Minting(await client.GenerateTokenAsync(authorizingKey, name, dispatcher, ct).ConfigureAwait(false), null)
                : Minting.Of(await new VaultMint(client, new PipelineVault(vault, dispatcher)).MintAsync(secretName!, name, authorizingKey, dispatcher, ct).ConfigureAwait(false)),
            minting => Deliver(item, minting),
            error => Failed(item, error),
            work => Stopped(work, item));
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        _work?.Finish();
        _work?.Dispose();
        base.EndProcessing();
    }

    /// <summary>On the pipeline thread, in input order: reports a mint that answered (stored or not) and writes its key.</summary>
    private void Deliver(MintItem item, Minting minting)
    {
        Forget(item);
        if (Stopping || minting.Stored is { Outcome: VaultMintOutcome.NotStored })
        {
            // The command is stopping (its work was cancelled before the store, or the pipeline stopped): nothing can be
            // written out now (WriteObject refuses once the pipeline stops), so a key that is not stored is nobody's.
            StoppedWith(minting, item);
            throw new PipelineStoppedException();
        }

        try
        {
            MintedToken minted = minting.Stored is { } stored ? Stored(stored, item) : minting.Minted;
            if (minting.Stored is null)
            {
                Minted(minted, item.AuthorizingKey);
            }

            if (item.Overwritten is not null && !item.Overwritten.Equals(minted.Key))
            {
                WriteWarning($"'{OutsideText.Escape(item.SecretName!)}' in vault '{OutsideText.Escape(item.Vault!)}' held {item.Overwritten.Fingerprint}, which -Force replaced and which still works: revoke it (Revoke-PplxToken) once nothing uses it. Invoke-PplxRotation replaces a stored key without downtime and revokes the old one.");
            }

            var token = new PplxToken(minted.Key, minted.TokenName ?? item.Name, minted.CreatedAt, _baseUri);
            WriteObject(token);
            if (_handOn?.HandOn(token.Key) is { } notHandedOn)
            {
                WriteItemError(notHandedOn, item.Name);
            }
        }
        catch (PplxException e)
        {
            Failed(item, e);
        }
    }

    private void Failed(MintItem item, Exception error)
    {
        Forget(item);
        Audit([new AuditEntry(SystemClock.UtcNow, "Mint", "Failed") { Vault = item.Vault, Secret = item.SecretName, Failure = ErrorRecords.FailureId(error), Message = error.Message }]);
        WriteItemError(error, item.Name);
    }

    private void Forget(MintItem item)
    {
        if (item.Target is not null)
        {
            _storing.Remove(item.Target);
        }
    }
}
