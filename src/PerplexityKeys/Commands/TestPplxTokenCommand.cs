using System;
using System.Management.Automation;
using System.Security;
using PerplexityKeys.Core;
using PerplexityKeys.Core.Api;
using PerplexityKeys.Core.Model;

namespace PerplexityKeys.Commands;

/// <summary>
/// <para type="synopsis">Tests whether Perplexity API keys work.</para>
/// <para type="description">Probes each key and writes a result whose Status is Valid, Invalid (unknown or revoked), Forbidden, RateLimited, ModelUnavailable, Unreachable or Unknown. The default Free probe (GET /async/chat/completions) costs nothing and barely touches the rate limit; -Probe Completion sends the documented 1-token sonar request, which costs one paid request but also proves model access.</para>
/// </summary>
/// <example>
/// <code>Get-SecretInfo -Vault Prod -Name 'pplx-*' | Test-PplxToken</code>
/// <para>Tests every key the vault 'Prod' holds under a name starting with 'pplx-'.</para>
/// </example>
/// <example>
/// <code>$token | Test-PplxToken -Probe Completion</code>
/// <para>Sends the documented 1-token sonar request: it costs one request but proves model access.</para>
/// </example>
/// <example>
/// <code>if (-not (Test-PplxToken -Vault Prod -SecretName pplx-billing -Quiet)) { exit 1 }</code>
/// <para>A health check for a scheduled task.</para>
/// </example>
[Cmdlet(VerbsDiagnostic.Test, "PplxToken", DefaultParameterSetName = TokenSet)]
[OutputType(typeof(PplxTokenTestResult), typeof(bool))]
public sealed class TestPplxTokenCommand : PplxCmdlet
{
    private const string TokenSet = "Token";
    private const string KeySet = "Key";
    private const string VaultSet = "Vault";

    /// <summary>
    /// <para type="description">Keys as PplxToken objects (from New-PplxToken); each remembers its base URI.</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = TokenSet)]
    public PplxToken[]? InputObject { get; set; }

    /// <summary>
    /// <para type="description">Keys as SecureStrings.</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = KeySet)]
    public SecureString[]? Key { get; set; }

    /// <summary>
    /// <para type="description">A secret holding a key (string, SecureString or PSCredential). Binds Name from Get-SecretInfo output.</para>
    /// </summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = VaultSet)]
    [Alias("Name")]
    [ValidateNotNullOrEmpty]
    public string? SecretName { get; set; }

    /// <summary>
    /// <para type="description">The vault of -SecretName. Binds VaultName from Get-SecretInfo output. Default: SecretManagement's search.</para>
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = VaultSet)]
    [Alias("VaultName")]
    public string? Vault { get; set; }

    /// <summary>
    /// <para type="description">Unlocks the vaults used (Unlock-SecretVault) before use; nothing ever prompts. Takes a SecureString or a PSCredential (e.g. from Get-Secret).</para>
    /// </summary>
    [Parameter]
    [SecureStringTransformation]
    public SecureString? VaultPassword { get; set; }

    /// <summary>
    /// <para type="description">Free (default) or Completion.</para>
    /// </summary>
    [Parameter]
    public ProbeKind Probe { get; set; } = ProbeKind.Free;

    /// <summary>
    /// <para type="description">Write only $true (Valid) or $false per key, as Test-Connection -Quiet does.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach ((ApiKey key, PplxToken? token) in InputKeys(InputObject, Key, SecretName, Vault, VaultPassword))
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
            WriteVerbose($"Probing {key.Fingerprint} at {baseUri} ({Probe}).");
            ProbeResult result = Run((observer, ct) => client.ProbeAsync(key, Probe, observer, ct));
            WriteVerbose($"{key.Fingerprint}: {result.Status} ({result.Message})");
            if (Quiet)
            {
                WriteObject(result.Status == TokenStatus.Valid);
            }
            else
            {
                WriteObject(new PplxTokenTestResult(result, token?.Name, baseUri));
            }
        }
    }
}
