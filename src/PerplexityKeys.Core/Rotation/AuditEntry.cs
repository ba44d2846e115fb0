namespace PerplexityKeys.Core.Rotation;

/// <summary>One change the module made (or failed to make), as one audit line: fingerprints and names, never a key.</summary>
/// <param name="Time">When it started.</param>
/// <param name="Action">Mint, Store, Revoke, or a rotation step's name.</param>
/// <param name="Outcome">Done, a status, or Failed.</param>
public sealed record AuditEntry(DateTimeOffset Time, string Action, string Outcome)
{
    /// <summary>The command that made the change (New-PplxToken, Invoke-PplxRotation, …).</summary>
    public string? Command { get; init; }

    /// <summary>The vault.</summary>
    public string? Vault { get; init; }

    /// <summary>The secret.</summary>
    public string? Secret { get; init; }

    /// <summary>The rotation's run id.</summary>
    public string? RunId { get; init; }

    /// <summary>How long the step took.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>The key that was (or is being replaced), as shown to users.</summary>
    public string? OldFingerprint { get; init; }

    /// <summary>The key minted (or that replaces it), as shown to users.</summary>
    public string? NewFingerprint { get; init; }

    /// <summary>Where a rotation stands after this run.</summary>
    public string? State { get; init; }

    /// <summary>The ErrorId of the failure that ended the command, if one did.</summary>
    public string? Failure { get; init; }

    /// <summary>What happened, in words (escaped and redacted).</summary>
    public string? Message { get; init; }
}
