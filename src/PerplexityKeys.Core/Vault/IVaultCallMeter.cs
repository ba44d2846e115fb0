namespace PerplexityKeys.Core.Vault;

/// <summary>
/// A vault that can say how many calls to what stands behind it (SecretManagement's cmdlets, for the module's adapter)
/// it has made so far, so a run can report what its <see cref="ISecretVault"/> operations cost.
/// </summary>
public interface IVaultCallMeter
{
    /// <summary>Calls made so far; only ever grows.</summary>
    int BackendCalls { get; }
}
