using System;
using System.Management.Automation;
using System.Security;
using PerplexityKeys.Core;
using PerplexityKeys.Core.Api;
using PerplexityKeys.Core.Model;

namespace PerplexityKeys.Commands;

/// <summary>
/// <para type="synopsis">Mints a new Perplexity API key.</para>
/// <para type="description">Calls POST /generate_auth_token, authorized by an existing key (-ApiKey, else $env:PERPLEXITY_API_KEY), and writes a PplxToken whose key is a SecureString. The API shows a new key only once: keep the object, or pipe it on.</para>
/// </summary>
[Cmdlet(VerbsCommon.New, "PplxToken", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(PplxToken))]
public sealed class NewPplxTokenCommand : PplxCmdlet
{
    private ApiKey? _authorizingKey;
    private Uri? _baseUri;

    /// <summary>
    /// <para type="description">The name the key is minted under, as the Perplexity portal shows it. Default: PerplexityKeys-&lt;UTC time&gt;-&lt;random&gt;, so that a key whose answer was lost can still be found. Several names from the pipeline mint one key each.</para>
    /// </summary>
    [Parameter(Position = 0, ValueFromPipeline = true)]
    public string? TokenName { get; set; }

    /// <summary>
    /// <para type="description">The key that authorizes the mint. Default: $env:PERPLEXITY_API_KEY.</para>
    /// </summary>
    [Parameter]
    public SecureString? ApiKey { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        try
        {
            _baseUri = ResolveBaseUri(null);
            _authorizingKey = ResolveAuthorizingKey(ApiKey);
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
            name = TokenName is null ? TokenNamePolicy.Generate(TimeProvider.System.GetUtcNow()) : TokenNamePolicy.Validate(TokenName);
        }
        catch (PplxTokenNameException e)
        {
            WriteItemError(e, TokenName);
            return;
        }

        if (!ShouldProcess($"a new key named '{name}' at {_baseUri}", "Mint Perplexity API key"))
        {
            return;
        }

        ApiKey authorizingKey = _authorizingKey!;
        PplxClient client = ClientFor(_baseUri!);
        WriteVerbose($"Minting a key named '{name}' at {_baseUri}, authorized by {authorizingKey.Fingerprint}.");
        try
        {
            MintedToken minted = Run((observer, ct) => client.GenerateTokenAsync(authorizingKey, name, observer, ct));
            WriteVerbose($"Minted {minted.Key.Fingerprint} named '{minted.TokenName ?? name}'.");
            WriteObject(new PplxToken(minted.Key, minted.TokenName ?? name, minted.CreatedAt, _baseUri));
        }
        catch (PplxException e)
        {
            WriteItemError(e, name);
        }
    }
}
