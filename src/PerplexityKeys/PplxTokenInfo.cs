using System.Management.Automation.Language;
using PerplexityKeys.Core.Inventory;
using PerplexityKeys.Core.Rotation;

namespace PerplexityKeys;

/// <summary>
/// A Perplexity key kept in a vault, as Get-PplxToken lists it: where it is, its fingerprint, its age and its rotation's
/// state; never the key. Pipes into Test-PplxToken, Revoke-PplxToken and Invoke-PplxRotation by Vault and SecretName.
/// </summary>
public sealed class PplxTokenInfo
{
    internal PplxTokenInfo(string vault, string secretName, string fingerprint, KeyStanding standing)
    {
        Vault = vault;
        SecretName = secretName;
        Fingerprint = fingerprint;
        Created = standing.Created;
        Age = standing.Age;
        LastRotated = standing.LastRotated;
        State = standing.Status;
        StoppedAt = standing.StoppedAt;
        string target = $"Invoke-PplxRotation -Vault {Quoted(vault)} -SecretName {Quoted(secretName)}";
        ResumeCommand = standing.Status switch
        {
            KeyRotationStatus.Prepared => target + " -Stage Finish",
            KeyRotationStatus.Interrupted => target,
            _ => null,
        };
    }

    /// <summary>The vault.</summary>
    public string Vault { get; }

    /// <summary>The secret that holds the key.</summary>
    public string SecretName { get; }

    /// <summary>The key's fingerprint, <c>pplx-…3f9a</c>.</summary>
    public string Fingerprint { get; }

    /// <summary>When the API created the key, as the secret's journal records it; null when unknown (a key the module did not mint or rotate into this secret, or one set by hand since).</summary>
    public DateTimeOffset? Created { get; }

    /// <summary>How old the key is; null when unknown.</summary>
    public TimeSpan? Age { get; }

    /// <summary>When the secret's last rotation that ended Done completed; null when none is recorded.</summary>
    public DateTimeOffset? LastRotated { get; }

    /// <summary>Idle, Prepared (waiting for -Stage Finish) or Interrupted (see <see cref="StoppedAt"/>).</summary>
    public KeyRotationStatus State { get; }

    /// <summary>For a rotation under way: the state the journal shows it at (Minting, Minted, Promoted, Revoked).</summary>
    public RotationState? StoppedAt { get; }

    /// <summary>The command that carries a rotation under way on (-Stage Finish for a prepared one); null when idle.</summary>
    public string? ResumeCommand { get; }

    /// <summary>The state as the table shows it: Idle, Prepared, or "Interrupted at &lt;state&gt;".</summary>
    public string StateText => State == KeyRotationStatus.Interrupted ? $"Interrupted at {StoppedAt}" : State.ToString();

    /// <inheritdoc />
    public override string ToString() => $"{Vault}/{SecretName}: {Fingerprint}";

    private static string Quoted(string text) => "'" + CodeGeneration.EscapeSingleQuotedStringContent(text) + "'";
}
