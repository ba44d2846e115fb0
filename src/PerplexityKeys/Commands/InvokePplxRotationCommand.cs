using PerplexityKeys.Core.Api;
using PerplexityKeys.Core.Rotation;
using PerplexityKeys.Core.Vault;

namespace PerplexityKeys.Commands;

/// <summary>
/// <para type="synopsis">Rotates the Perplexity API key kept in a SecretManagement secret, with zero downtime.</para>
/// <para type="description">Mints a new key and keeps it as the pending sibling before anything else, probes it, makes it current (read back and compared), hands it to consumers (-OnNewToken, -PropagationDelay), probes it again, then revokes the old key and sets its helper secrets idle. The state lives in the vault, so a run that died anywhere is finished by running the same command again, never minting twice. -Stage Prepare stops once the new key is current; -Stage Finish revokes the old one later, and a plain run in between only reports the prepared rotation (AwaitingFinish) and revokes nothing. -Abort cancels a rotation whose new key is not yet current.</para>
/// <para type="description">Helper secrets: beside the secret S the module keeps S-pplx-pending, S-pplx-previous and S-pplx-journal (letters, digits and dashes; a name with other characters has each of them written as a dash and four hex digits, so 'svc.a' and 'svc-a' never share helpers). They are never deleted, only set to an idle value, because Azure Key Vault soft-deletes and refuses to create a deleted name again. The idle journal records the secret it belongs to and how its last rotation ended. Every cmdlet skips helpers piped in from Get-SecretInfo.</para>
/// <para type="errors">ErrorIds: RotationRolledBack, RotationInterrupted (nothing lost: run again), RotationConflict, RotationSiblingNameTaken, RotationLockTimeout, RotationAbortTooLate, RotationRollbackFailed, RotationMintOutcomeUnknown, KeyShared, KeyCopiesUnknown, ConfirmationRequired, SecretIsRotationHelper, ItemsFailed (several items failed under -ErrorAction Stop), ApiKeyNotFound, ModelInvalid, BaseUriInvalid, VaultNotFound, VaultLocked, SecretNotFound, SecretTypeInvalid, VaultOperationFailed, VaultTimeout, CiVariableInvalid, CiVariableUnsupported, ParameterCombinationInvalid (a second secret for one -CiVariable).</para>
/// </summary>
/// <example>
/// <code>Get-SecretInfo -Vault Prod -Name 'pplx-*' | Invoke-PplxRotation -Force</code>
/// <para>Rotates every key of a vault; each key mints its successor, which revokes it.</para>
/// </example>
/// <example>
/// <code>Get-SecretInfo -Vault Prod -Name 'pplx-*' | Invoke-PplxRotation -ThrottleLimit 8 -Force</code>
/// <para>Rotates up to eight keys at once: their HTTP calls overlap, their vault calls are made one at a time, and the results come in the order of the secrets.</para>
/// </example>
/// <example>
/// <code>Invoke-PplxRotation -Vault Prod -SecretName pplx-billing -Stage Prepare -OnNewToken { Restart-Service billing } -Force</code>
/// <para>The first half of a staged rotation: the new key becomes current and is handed to the service; the old key keeps working.</para>
/// </example>
/// <example>
/// <code>Invoke-PplxRotation -Vault Prod -SecretName pplx-billing -Stage Finish -PropagationDelay 00:05:00 -Force</code>
/// <para>The second half: waits until five minutes after the promotion, proves the new key, revokes the old one.</para>
/// </example>
/// <example>
/// <code>$ErrorActionPreference = 'Stop'; Get-SecretInfo -Vault Prod -Name 'pplx-*' | Invoke-PplxRotation -VaultPassword (Import-Clixml C:\Secure\storepass.xml) -Force -AuditLog C:\Logs\pplx-rotation.jsonl</code>
/// <para>A scheduled task: every secret is attempted, the failures end the script together, so powershell.exe -File exits 1 when any secret failed; the audit log gets one line per step.</para>
/// </example>
[Cmdlet(VerbsLifecycle.Invoke, "PplxRotation", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = RotateSet)]
[OutputType(typeof(PplxRotationResult))]
public sealed partial class InvokePplxRotationCommand : AuthorizedCmdlet
{
    private const string RotateSet = "Rotate";
    private const string AbortSet = "Abort";

    private ApiKey? _master;
    private KeyCopies? _copies;
    private CiVariableHandOn? _handOn;

    /// <summary>
    /// <para type="description">The SecretManagement vault that holds the secret.</para>
    /// </summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("VaultName")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(VaultNameCompleter))]
    public string Vault { get; set; } = string.Empty;

    /// <summary>
    /// <para type="description">The secret whose key is rotated. Binds Name from Get-SecretInfo output.</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(SecretNameCompleter))]
    public string SecretName { get; set; } = string.Empty;

    /// <summary>
    /// <para type="description">All (default), Prepare (stop with the new key current and the old kept as previous), or Finish (revoke the previous key).</para>
    /// </summary>
    [Parameter(ParameterSetName = RotateSet)]
    public RotationStage Stage { get; set; } = RotationStage.All;

    /// <summary>
    /// <para type="description">Cancel a rotation whose new key is not current yet: revoke the pending key, set the module's helper secrets idle, leave the current key untouched.</para>
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = AbortSet)]
    public SwitchParameter Abort { get; set; }

    /// <summary>
    /// <para type="description">How long consumers get to pick up the new key before the old one is revoked, counted from when the new key became current. Default: the vault's cache window (-VaultCacheWindow): a consumer in another process that re-reads the vault can see the old value that long after a write (SecretStore: about 5 s), and the old key must keep working until it sees the new one. Give a longer delay when consumers re-read less often.</para>
    /// </summary>
    [Parameter(ParameterSetName = RotateSet)]
    [ValidateTimeSpan("00:00:00", "30.00:00:00")]
    public TimeSpan PropagationDelay { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// <para type="description">How long other processes may go on reading the vault's old content after a write. A rotation starts writing only this long after another process's last write to the vault (two SecretStore writers within it lose each other's writes), and it is the default -PropagationDelay. Default: 6 s for SecretStore, VaultParameters PplxCacheSeconds (plus 1 s) when the vault was registered with it, else none.</para>
    /// </summary>
    [Parameter]
    [ValidateTimeSpan("00:00:00", "01:00:00")]
    public TimeSpan? VaultCacheWindow { get; set; }

    /// <summary>
    /// <para type="description">A script block that receives the new key as a PplxToken ($_ and $args[0]) once it is current, e.g. to restart a service. It runs with $ErrorActionPreference = 'Stop': any error it writes, a throw, or a native command's non-zero exit code fails the hand-off, and then the old key is NOT revoked (RotationInterrupted); running the same command again retries the hand-off. Once it succeeds it is not run again for that rotation.</para>
    /// </summary>
    [Parameter(ParameterSetName = RotateSet)]
    public ScriptBlock? OnNewToken { get; set; }

    /// <summary>
    /// <para type="description">The probe that proves the new key, before it becomes current and again before the old key is revoked: Free (default; GET /v1/models, costs nothing) or Completion (one paid POST /v1/agent run of -Model each time; it costs money). The old key's revocation is always verified with the free probe: only a 401 counts as proof.</para>
    /// </summary>
    [Parameter(ParameterSetName = RotateSet)]
    public ProbeKind Probe { get; set; } = ProbeKind.Free;

    /// <summary>
    /// <para type="description">A model id (e.g. perplexity/sonar) the new key must be able to use: in its GET /v1/models list (Free), or the model run (Completion; default perplexity/sonar). A new key without it is revoked and the rotation rolled back.</para>
    /// </summary>
    [Parameter(ParameterSetName = RotateSet)]
    [ArgumentCompleter(typeof(ModelIdCompleter))]
    public string? Model { get; set; }

    /// <inheritdoc />
    protected override AuthorizationParameters Authorization { get; } = new RotationAuthorizationParameters();

    /// <summary>
    /// <para type="description">How long to wait for another rotation in the same vault on this machine, by any account (one writer per vault at a time). Default: 60 seconds.</para>
    /// </summary>
    [Parameter]
    [ValidateTimeSpan("00:00:00", "1.00:00:00")]
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// <para type="description">Rotate a key that is also kept in other secrets (in this or another registered vault). Without it, such a rotation is refused before anything changes (KeyShared), because the copies would be left holding a revoked key. Every registered vault is looked through once per command; when one cannot be (locked, failing), the rotation is refused too (KeyCopiesUnknown), since a copy there cannot be ruled out.</para>
    /// </summary>
    [Parameter(ParameterSetName = RotateSet)]
    public SwitchParameter AllowSharedKey { get; set; }

    /// <summary>
    /// <para type="description">Rotate only keys at least this old (e.g. 90.00:00:00); the others are not rotated, and their result says NotDue (not an error). The age is the key's creation time as the secret's journal records it (Get-PplxToken shows it). A key whose age is unknown (set by hand, or kept before the module recorded it) IS rotated, unless -SkipUnknownAge. A rotation already under way is always carried on.</para>
    /// </summary>
    [Parameter(ParameterSetName = RotateSet)]
    [ValidateTimeSpan("00:00:00", "36500.00:00:00")]
    public TimeSpan? MaxAge { get; set; }

    /// <summary>
    /// <para type="description">With -MaxAge: leave keys whose age is unknown unrotated (reported NotDue) instead of rotating them.</para>
    /// </summary>
    [Parameter(ParameterSetName = RotateSet)]
    public SwitchParameter SkipUnknownAge { get; set; }

    /// <summary>
    /// <para type="description">Rotate without asking for confirmation (-WhatIf still only reports).</para>
    /// </summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>
    /// <para type="description">Under Azure Pipelines or GitHub Actions, hands the new key on to the job's later steps as a secret variable of this name (letters, digits, '_', '.', '-') once the rotation has made it current: after a -Stage Prepare run, a run that reports a prepared rotation, or a finished one; never after a rolled-back, aborted or stopped run. The key handed on is the one the secret holds, checked against the run's. One secret per variable. Anywhere else it is refused (CiVariableUnsupported) before anything changes.</para>
    /// </summary>
    [Parameter(ParameterSetName = RotateSet)]
    public string? CiVariable { get; set; }

    /// <inheritdoc />
    protected override void Begin()
    {
        // The master key is read once, and only when one was asked for: never $env:PERPLEXITY_API_KEY,
        // which may be the very key being rotated.
        try
        {
            _handOn = CiVariableHandOn.For(CiVariable, Ci);
            ModelIdPolicy.Validate(Model);
            if (ApiKey is not null || ApiKeySecretName is not null)
            {
                // The master key is read only once the vaults are unlocked: without -ApiKeyVault, SecretManagement's
                // search may have to read the very vault being rotated.
                UnlockIfAsked(ApiKeyVault, VaultPassword);
                if (ApiKeyVault is null && MyInvocation.BoundParameters.ContainsKey(nameof(Vault)))
                {
                    UnlockIfAsked(Vault, VaultPassword);
                }

                _master = AuthorizingKey.Resolve(this, ApiKey, ApiKeySecretName, ApiKeyVault);
            }
        }
        catch (PplxException e)
        {
            Fail(e, ApiKeySecretName);
        }
    }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (IsRotationHelper(SecretName))
        {
            return;
        }

        string target = $"'{SecretName}' in vault '{Vault}'";
        if (_handOn?.Refusal(target) is { } refusal)
        {
            WriteItemError(refusal, target);
            return;
        }

        if (!ShouldProcessOrForce(Force, target, RotationPlan.Describe(SecretName, Abort, Stage, PropagationDelay, _master, OnNewToken is not null)))
        {
            return;
        }

        PplxClient client;
        try
        {
            client = ClientFor(ResolveBaseUri(null));
            UnlockIfAsked(Vault, VaultPassword);
        }
        catch (PplxException e)
        {
            AuditNotStarted(e, Vault, SecretName);
            WriteItemError(e, target);
            return;
        }

        if (!Abort && !AllowSharedKey && !RefuseSharedKey(target))
        {
            return;
        }

        Progress.Item($"rotating {target}");
        Start(new RotationItem(Vault, SecretName, target), client, VaultCacheWindow ?? PerplexityKeys.VaultCacheWindow.Of(Vault));
    }

    /// <summary>False (and an error written) when the key in the secret is also kept elsewhere: nothing is changed then.</summary>
    private bool RefuseSharedKey(string target)
    {
        try
        {
            ApiKey? current = VaultFor(Vault, VaultPassword).ReadKey(SecretName);
            PplxKeySharedException? shared = current is null ? null : (_copies ??= new KeyCopies(this)).Refusal(current, Vault, SecretName);
            if (shared is not null)
            {
                AuditNotStarted(shared, Vault, SecretName);
                WriteItemError(shared, target);
                return false;
            }
        }
        catch (PplxException e)
        {
            // The engine reads the secret again and reports what is wrong with it, with a result.
            WriteVerbose($"Could not look for copies of the key in '{OutsideText.Escape(SecretName)}': {e.Message}");
        }

        return true;
    }

    private bool HandOff(ApiKey key, MintedTokenInfo info, Uri baseUri)
    {
        HandOffRunner.Run(this, OnNewToken!, new PplxToken(key, info.TokenName, null, baseUri));
        return true;
    }
}
