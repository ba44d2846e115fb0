namespace PerplexityKeys.Emulator;

/// <summary>One key the emulator has minted.</summary>
public sealed class EmulatorKey
{
    internal EmulatorKey(string secret, string? name, DateTimeOffset createdAt)
    {
        Secret = secret;
        Fingerprint = EmulatorState.FingerprintOf(secret);
        Name = name;
        CreatedAt = createdAt;
    }

    internal string Secret { get; }

    /// <summary>The key's fingerprint, <c>pplx-…abcd</c>.</summary>
    public string Fingerprint { get; }

    /// <summary>The token_name it was minted under.</summary>
    public string? Name { get; }

    /// <summary>When it was minted.</summary>
    public DateTimeOffset CreatedAt { get; }

    /// <summary>When it was revoked, if it was.</summary>
    public DateTimeOffset? RevokedAt { get; internal set; }

    /// <summary>Whether it is revoked.</summary>
    public bool Revoked => RevokedAt is not null;

    /// <summary>API requests that carried it as bearer.</summary>
    public long Requests { get; internal set; }

    /// <summary>The models this key may use; null = every model of the organisation.</summary>
    public IReadOnlyList<string>? Models { get; internal set; }

    /// <summary>Whether the key may use <paramref name="model"/> among the organisation's <paramref name="offered"/> models.</summary>
    internal bool MayUse(string model, IReadOnlyList<string> offered) =>
        offered.Contains(model, StringComparer.Ordinal) && (Models is null || Models.Contains(model, StringComparer.Ordinal));

    /// <summary>The organisation's models this key may use, in the organisation's order.</summary>
    internal IEnumerable<string> Usable(IReadOnlyList<string> offered) => offered.Where(m => MayUse(m, offered));
}
