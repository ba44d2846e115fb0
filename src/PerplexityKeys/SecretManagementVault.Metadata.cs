using System.Collections;
using PerplexityKeys.Core.Api;
using PerplexityKeys.Core.Vault;

namespace PerplexityKeys;

/// <summary>
/// A secret's metadata: the module's Pplx* keys set beside the user's own, which stay. Set-SecretInfo replaces the whole
/// metadata, so the current metadata is needed first: from the write this adapter just made to the secret when there
/// was one (it knows what that write left), else from Get-SecretInfo.
/// </summary>
internal sealed partial class SecretManagementVault
{
    /// <summary>Each secret's metadata as this adapter's last key write left it; any other write forgets it.</summary>
    private readonly Dictionary<string, Hashtable> _metadataWritten = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Sets the module's metadata keys beside the user's own (which stay); false when the vault keeps none.</summary>
    public bool TrySetMetadata(string secretName, IReadOnlyDictionary<string, string> metadata)
    {
        Hashtable table = _metadataWritten.TryGetValue(secretName, out Hashtable? written) ? written
            : FindInfo(secretName, out _)?.Properties["Metadata"]?.Value is IDictionary current ? ToHashtable(current) : new Hashtable();
        _metadataWritten.Remove(secretName);
        foreach (KeyValuePair<string, string> pair in metadata)
        {
            table[pair.Key] = pair.Value;
        }

        try
        {
            Invoke("Set-SecretInfo", secretName, new() { ["Metadata"] = table }, requireVault: true);
            return true;
        }
        catch (SecretManagementErrors.MetadataNotSupportedException)
        {
            return false;
        }
        catch (PplxVaultOperationException e)
        {
            _cmdlet.WriteWarning(OutsideText.Escape($"The vault '{Name}' did not keep metadata for '{secretName}': {e.Message}"));
            return false;
        }
    }

    private static Hashtable ToHashtable(IDictionary source)
    {
        var table = new Hashtable(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry entry in source)
        {
            table[entry.Key] = entry.Value is PSObject wrapped ? wrapped.BaseObject : entry.Value;
        }

        return table;
    }
}
