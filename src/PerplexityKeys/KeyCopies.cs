using System.Collections;
using System.Linq;
using PerplexityKeys.Core.Api;
using PerplexityKeys.Core.Rotation;
using PerplexityKeys.Core.Vault;

namespace PerplexityKeys;

/// <summary>
/// Where else a key is kept, across every registered vault: so a rotation can say, before it changes anything, that
/// the key it would revoke is also kept elsewhere (a copy in a disaster-recovery vault, say). The vaults are listed
/// once per command and each secret is read at most once, on the pipeline thread; a secret whose PplxFingerprint
/// metadata names another key is not read at all. Keys are compared whole, never by fingerprint alone. A vault or
/// secret that cannot be read (locked, say) is remembered: a copy there cannot be ruled out, so <see cref="Refusal"/> refuses.
/// </summary>
internal sealed class KeyCopies(PplxCmdlet cmdlet)
{
    private readonly Dictionary<(string Vault, string Secret), ApiKey?> _read = [];
    private readonly List<string> _unsearched = [];
    private List<PSObject>? _infos;

    /// <summary>
    /// Why a rotation of <paramref name="secretName"/> must not go on: copies of <paramref name="key"/> elsewhere
    /// (KeyShared), or places that could not be searched (KeyCopiesUnknown); null when neither.
    /// </summary>
    public PplxKeySharedException? Refusal(ApiKey key, string vault, string secretName)
    {
        IReadOnlyList<string> elsewhere = Of(key, vault, secretName);
        return elsewhere.Count > 0 ? new PplxKeySharedException(vault, secretName, key.Fingerprint, elsewhere)
            : _unsearched.Count > 0 ? PplxKeySharedException.Unknown(vault, secretName, key.Fingerprint, _unsearched)
            : null;
    }

    /// <summary>The other secrets (as "vault/secret", escaped) that hold <paramref name="key"/>.</summary>
    public IReadOnlyList<string> Of(ApiKey key, string vault, string secretName)
    {
        var copies = new List<string>();
        foreach (PSObject info in Infos())
        {
            string? otherVault = info.Properties["VaultName"]?.Value as string;
            string? name = info.Properties["Name"]?.Value as string;
            string? type = info.Properties["Type"]?.Value?.ToString();
            if (otherVault is null || name is null || SiblingNames.IsSiblingName(name) || type is not ("String" or "SecureString" or "PSCredential")
                || (string.Equals(otherVault, vault, StringComparison.OrdinalIgnoreCase) && string.Equals(name, secretName, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            if (info.Properties["Metadata"]?.Value is IDictionary metadata && metadata["PplxFingerprint"] is { } noted && noted.ToString() != key.Fingerprint)
            {
                continue;
            }

            if (key.Equals(Read(otherVault, name)))
            {
                copies.Add(OutsideText.Escape(otherVault) + "/" + OutsideText.Escape(name));
            }
        }

        return copies;
    }

    private List<PSObject> Infos()
    {
        if (_infos is null)
        {
            _infos = [];
            IReadOnlyList<string> vaults;
            try
            {
                vaults = VaultNames(cmdlet.VaultFor(null));
            }
            catch (PplxException e)
            {
                cmdlet.WriteVerbose($"Could not list the registered vaults to look for copies of keys: {e.Message}");
                _unsearched.Add("(the registered vaults)");
                return _infos;
            }

            foreach (string vault in vaults)
            {
                try
                {
                    _infos.AddRange(ListInfos(cmdlet.VaultFor(vault)));
                }
                catch (PplxException e)
                {
                    cmdlet.WriteVerbose($"Could not look through vault '{OutsideText.Escape(vault)}' for copies of keys: {e.Message}");
                    _unsearched.Add(OutsideText.Escape(vault));
                }
            }
        }

        return _infos;
    }

    private ApiKey? Read(string vault, string name)
    {
        if (!_read.TryGetValue((vault, name), out ApiKey? key))
        {
            try
            {
                key = cmdlet.VaultFor(vault).ReadKey(name);
            }
            catch (Exception e) when (e is PplxKeyFormatException or PerplexityKeys.Core.Vault.PplxSecretTypeException)
            {
                key = null; // read, and not a key at all: no copy
            }
            catch (PplxException e)
            {
                cmdlet.WriteVerbose($"Could not read '{OutsideText.Escape(name)}' in vault '{OutsideText.Escape(vault)}' while looking for copies of keys: {e.Message}");
                _unsearched.Add(OutsideText.Escape(vault) + "/" + OutsideText.Escape(name));
                key = null;
            }

            _read[(vault, name)] = key;
        }

        return key;
    }

    /// <summary>Every secret's SecretInformation in this vault (Get-SecretInfo); a vault that cannot be listed throws.</summary>
    private static System.Collections.ObjectModel.Collection<PSObject> ListInfos(SecretManagementVault vault) =>
        vault.Execute(new PSCommand().AddCommand(SecretManagementVault.Module + "Get-SecretInfo").AddParameter("Vault", vault.Name), "(every secret)");

    /// <summary>The names of the registered vaults (Get-SecretVault).</summary>
    private static List<string> VaultNames(SecretManagementVault vault) =>
        vault.Execute(new PSCommand().AddCommand(SecretManagementVault.Module + "Get-SecretVault"), "(vaults)")
            .Select(vault => vault.Properties["Name"]?.Value as string)
            .Where(name => !string.IsNullOrEmpty(name))
            .Select(name => name!)
            .ToList();
}
