using PerplexityKeys.Core.Api;

namespace PerplexityKeys.Commands;

/// <summary>
/// <para type="synopsis">Tests whether Perplexity API keys work.</para>
/// <para type="description">Probes each key and writes a result whose Status is Valid, Invalid (401: unknown or revoked), Forbidden, RateLimited, ModelUnavailable, Unreachable, Unknown or EndpointRetired (the API says the probe's path is retired or gone, which says nothing about the key). Only a 401 from a live path makes a key Invalid.</para>
/// <para type="description">The default Free probe, GET /v1/models, runs no model and costs nothing: 200 with a model list means the key works, 401 means it does not. The result's ModelCount and Models say which models the key can use; -Model checks that one model is among them (ModelUnavailable when it is not), still for free.</para>
/// <para type="description">-Probe Completion sends one minimal request to the Agent API (POST /v1/agent: the model from -Model, default perplexity/sonar, a one-word input, at most 16 output tokens). It COSTS MONEY: one paid request, billed at the model's token prices plus its per-request fee (a public capture of a small sonar run: about $0.001 to $0.005), and it spends the organisation's rate limit, which every key shares. Use it to prove that a key can really run a model; use the free probe for everything else.</para>
/// <para type="description">The retired Sonar chat paths (POST /chat/completions, GET /async/chat/completions), which the live API refuses with 403 for every key since 2026-09-27, are never called.</para>
/// <para type="errors">ErrorIds: KeyMalformed, EnvironmentVariableNotSet, EnvironmentVariableNameInvalid, ModelInvalid, BaseUriInvalid, SecretIsRotationHelper, VaultNotFound, VaultLocked, SecretNotFound, SecretTypeInvalid, VaultOperationFailed, VaultTimeout. A key that fails its probe is no error: its result says Invalid, Forbidden, RateLimited, ModelUnavailable, Unreachable, Unknown or EndpointRetired.</para>
/// </summary>
/// <example>
/// <code>Get-SecretInfo -Vault Prod -Name 'pplx-*' | Test-PplxToken</code>
/// <para>Tests every key the vault 'Prod' holds under a name starting with 'pplx-'.</para>
/// </example>
/// <example>
/// <code>$token | Test-PplxToken -Model perplexity/sonar-pro</code>
/// <para>Free: checks that the key can use sonar-pro (it is in the key's GET /v1/models list).</para>
/// </example>
/// <example>
/// <code>$token | Test-PplxToken -Probe Completion</code>
/// <para>Paid: runs perplexity/sonar once through POST /v1/agent (a few tokens and one request fee) to prove the key can run it.</para>
/// </example>
/// <example>
/// <code>($token | Test-PplxToken).Models</code>
/// <para>Lists the models the key can use.</para>
/// </example>
/// <example>
/// <code>if (-not (Test-PplxToken -Vault Prod -SecretName pplx-billing -Quiet)) { exit 1 }</code>
/// <para>A health check for a scheduled task.</para>
/// </example>
/// <example>
/// <code>if (-not (Test-PplxToken -EnvironmentVariable PPLX_KEY -Quiet)) { exit 1 }</code>
/// <para>A pipeline step whose secret variable is mapped to $env:PPLX_KEY: the command reads the key itself, so it never passes through the script as text.</para>
/// </example>
[Cmdlet(VerbsDiagnostic.Test, "PplxToken", DefaultParameterSetName = TokenSet)]
[OutputType(typeof(PplxTokenTestResult), typeof(bool))]
public sealed class TestPplxTokenCommand : KeyInputCmdlet
{
    /// <summary>
    /// <para type="description">Free (default): GET /v1/models, costs nothing. Completion: one paid POST /v1/agent run of -Model (it costs money and spends the rate limit).</para>
    /// </summary>
    [Parameter]
    public ProbeKind Probe { get; set; } = ProbeKind.Free;

    /// <summary>
    /// <para type="description">A model id such as perplexity/sonar. With the Free probe, the key must have it in its model list (ModelUnavailable otherwise); with -Probe Completion, the model to run (default perplexity/sonar).</para>
    /// </summary>
    [Parameter]
    [ArgumentCompleter(typeof(ModelIdCompleter))]
    public string? Model { get; set; }

    /// <summary>
    /// <para type="description">Write only $true (Valid) or $false per key, as Test-Connection -Quiet does.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    /// <summary>
    /// <para type="description">How many probes run at once (default 1: one after another). Results keep the input order; keys read from vaults are read one at a time, as SecretManagement needs; the organisation's rate limit (-MaxRequestsPerMinute) paces them all.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = 1;

    private OrderedWork<ProbeResult>? _work;

    /// <inheritdoc />
    protected override bool WritesViewedObjects => !Quiet;

    /// <inheritdoc />
    protected override void Begin()
    {
        try
        {
            ModelIdPolicy.Validate(Model);
        }
        catch (PplxException e)
        {
            Fail(e, Model is null ? null : OutsideText.Escape(Model));
        }
    }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach ((ApiKey key, PplxToken? token) in KeysGiven())
        {
            Uri baseUri;
            try
            {
                baseUri = ResolveBaseUri(token?.BaseUri);
            }
            catch (PplxException e)
            {
                WriteItemError(e, (object?)token ?? key.Fingerprint);
                continue;
            }

            PplxClient client = ClientFor(baseUri);
            Progress.Item($"probing {key.Fingerprint}");
            WriteVerbose(OutsideText.Escape($"Probing {key.Fingerprint} at {baseUri} ({ProbeText()})."));
            _work ??= new OrderedWork<ProbeResult>(new PipelineDispatcher(message => WriteVerbose(OutsideText.Escape(message))), ThrottleLimit, StopToken);
            string? name = token?.Name;
            _work.Start((observer, ct) => client.ProbeAsync(key, Probe, Model, observer, ct), result => Write(result, name, baseUri), error => WriteItemError(error, key.Fingerprint));
        }
    }

    /// <inheritdoc />
    protected override void Abandon() => _work?.Abandon();

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        _work?.Finish();
        _work?.Dispose();
        base.EndProcessing();
    }

    private void Write(ProbeResult result, string? name, Uri baseUri)
    {
        WriteVerbose($"{result.Fingerprint}: {result.Status} ({result.Message})");
        if (Quiet)
        {
            WriteObject(result.Status == TokenStatus.Valid);
        }
        else
        {
            WriteObject(new PplxTokenTestResult(result, name, baseUri));
        }
    }

    private string ProbeText() => Probe == ProbeKind.Free
        ? "GET /v1/models, free" + (Model is null ? string.Empty : ", model " + Model)
        : "POST /v1/agent with " + (Model ?? PplxClient.DefaultProbeModel) + ", one paid request";
}
