using System.Threading;

namespace PerplexityKeys.Core.Vault;

/// <summary>
/// How many operations one run made through <see cref="ISecretVault"/>, by kind. Each is one call of the interface,
/// counted when it is made (a call that fails counts too: the vault was asked). What one operation costs below the
/// interface is the adapter's affair (SecretManagementVault: one SecretManagement call, plus a Get-SecretInfo where it
/// must keep a secret's type or metadata; docs/rotation.md, "Vault operations").
/// </summary>
public sealed class VaultOperationCounts
{
    private int _reads;
    private int _writes;
    private int _metadataWrites;
    private int _removes;
    private int _backendCalls;
    private bool _metered;

    /// <summary>Values read: a key (<see cref="ISecretVault.GetKeyAsync"/>) or text (<see cref="ISecretVault.GetTextAsync"/>).</summary>
    public int Reads => _reads;

    /// <summary>Values written: a key or text, an idle helper included.</summary>
    public int Writes => _writes;

    /// <summary>Metadata written beside a value (<see cref="ISecretVault.TrySetMetadataAsync"/>).</summary>
    public int MetadataWrites => _metadataWrites;

    /// <summary>Secrets removed (a rotation never removes: helpers are overwritten).</summary>
    public int Removes => _removes;

    /// <summary>Every operation of any kind.</summary>
    public int Total => Reads + Writes + MetadataWrites + Removes;

    /// <summary>
    /// What those operations cost behind the vault (SecretManagement calls: a Get-SecretInfo where the adapter keeps a
    /// secret's type or metadata, an unlock after a relock); null when the vault does not report it (<see cref="IVaultCallMeter"/>).
    /// </summary>
    public int? BackendCalls => _metered ? _backendCalls : null;

    internal void Read() => Interlocked.Increment(ref _reads);

    internal void Wrote() => Interlocked.Increment(ref _writes);

    internal void WroteMetadata() => Interlocked.Increment(ref _metadataWrites);

    internal void Removed() => Interlocked.Increment(ref _removes);

    internal void Cost(int calls)
    {
        _metered = true;
        Interlocked.Add(ref _backendCalls, calls);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Total} ({Reads} reads, {Writes} writes, {MetadataWrites} metadata writes, {Removes} removes)";
}
