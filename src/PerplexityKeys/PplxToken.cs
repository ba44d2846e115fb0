using System.Security;

namespace PerplexityKeys;

/// <summary>A Perplexity API key as the module's cmdlets pass it along the pipeline.
/// The key travels as a <see cref="SecureString"/>; every display shows the fingerprint.</summary>
public sealed class PplxToken
{
    /// <summary>Wraps a key. The fingerprint is computed here, once.</summary>
    public PplxToken(SecureString key, string? name, DateTimeOffset? createdAt, Uri? baseUri)
    {
        Key = key ?? throw new ArgumentNullException(nameof(key));
        Fingerprint = ApiKey.FromSecureString(key).Fingerprint;
        Name = name;
        CreatedAt = createdAt;
        BaseUri = baseUri;
    }

    internal PplxToken(ApiKey key, string? name, DateTimeOffset? createdAt, Uri? baseUri)
    {
        Key = key.ToSecureString();
        Fingerprint = key.Fingerprint;
        Name = name;
        CreatedAt = createdAt;
        BaseUri = baseUri;
    }

    /// <summary>The token_name the key was minted under.</summary>
    public string? Name { get; }

    /// <summary>A safe-to-show name for the key, <c>pplx-…3f9a</c>.</summary>
    public string Fingerprint { get; }

    /// <summary>When the API minted the key.</summary>
    public DateTimeOffset? CreatedAt { get; }

    /// <summary>The API the key belongs to; Test-/Revoke-PplxToken use it when -BaseUri is not given.</summary>
    public Uri? BaseUri { get; }

    /// <summary>The key. To read it on purpose: <c>$t.Key | ConvertFrom-SecureString -AsPlainText</c> (PowerShell 7).</summary>
    public SecureString Key { get; }

    /// <summary>The fingerprint, never the key.</summary>
    public override string ToString() => Fingerprint;
}
