using System.Collections;
using System.Collections.ObjectModel;
using System.Linq;
using System.Security;
using System.Threading;
using PerplexityKeys.Core.Rotation;
using PerplexityKeys.Core.Vault;

namespace PerplexityKeys;

/// <summary>
/// A vault through SecretManagement's public cmdlets, module-qualified, one call at a time, each in a
/// runspace of the module's own (<see cref="VaultRunspaces"/>) and waited for on the cmdlet's pipeline thread up to
/// -TimeoutSec or Ctrl+C, whichever comes first; a call that does not return by then is left behind
/// (<see cref="OutstandingVaultCalls"/>).
/// Never passes -Metadata to Set-Secret: on a vault without metadata support that writes the secret
/// and then removes it again (SecretManagement 1.1.2). Metadata goes through Set-SecretInfo instead.
/// </summary>
internal sealed partial class SecretManagementVault
{
    internal const string Module = "Microsoft.PowerShell.SecretManagement\\";
    private readonly PplxCmdlet _cmdlet;
    private readonly string? _vault;
    private readonly SecureString? _password;
    private readonly VaultCalls _calls;
    private readonly Dictionary<string, string> _userNames = new(StringComparer.OrdinalIgnoreCase);

    /// <param name="cmdlet">The calling cmdlet (its pipeline thread waits for every call).</param>
    /// <param name="vault">The vault; null = SecretManagement's search.</param>
    /// <param name="callTimeout">How long one call may take (-TimeoutSec).</param>
    /// <param name="password">The vault's password (-VaultPassword): a vault that relocks during a run (SecretStore's
    /// -PasswordTimeout) is unlocked again with it and the call repeated once.</param>
    /// <param name="stopping">Ctrl+C: a call in flight is left behind at once.</param>
    public SecretManagementVault(PplxCmdlet cmdlet, string? vault, TimeSpan callTimeout, SecureString? password, CancellationToken stopping)
    {
        _cmdlet = cmdlet;
        _vault = vault;
        _calls = new VaultCalls(cmdlet, Name, callTimeout, stopping);
        _password = password;
    }

    /// <summary>The vault, for messages.</summary>
    public string Name => _vault ?? "(default search)";

    /// <summary>SecretManagement calls made so far (each Get-Secret, Set-Secret, Get-SecretInfo, Set-SecretInfo, Remove-Secret, Unlock-SecretVault).</summary>
    public int Calls { get; private set; }

    /// <summary>Writes text (the journal, an idle helper), replacing any value.</summary>
    public void WriteText(string secretName, string text)
    {
        _metadataWritten.Remove(secretName);
        Invoke("Set-Secret", secretName, new() { ["Secret"] = text }, requireVault: true);
    }

    private ApiKey KeyOf(string secretName, PSCredential credential)
    {
        _userNames[secretName] = credential.UserName;
        return ApiKey.FromSecureString(credential.Password);
    }

    /// <summary>Reads a key; null when missing. Strings, SecureStrings and PSCredentials (password) are keys.</summary>
    public ApiKey? ReadKey(string secretName)
    {
        object? value = Read(secretName, asPlainText: false);
        return value switch
        {
            null => null,
            SecureString secure => ApiKey.FromSecureString(secure),
            PSCredential credential => KeyOf(secretName, credential),
            string text => ApiKey.Create(text),
            _ => throw new PplxSecretTypeException(Name, secretName, value is Hashtable ? "hashtable" : value is byte[]? "byte[]" : value.GetType().Name),
        };
    }

    /// <summary>
    /// Writes a key. What was there stays there: a secret kept as a PSCredential stays one (with its UserName), a String
    /// stays a String, anything else (or a new secret) is a SecureString; and the user's own metadata (Owner, Expires, …)
    /// is written with it, since some vaults (SecretStore) reset metadata on every overwrite. Helper secrets are ours:
    /// always SecureStrings, no lookup.
    /// </summary>
    public void WriteKey(string secretName, ApiKey key)
    {
        PSObject? info = SiblingNames.IsSiblingName(secretName) ? null : FindInfo(secretName, out _);
        string? type = info?.Properties["Type"]?.Value?.ToString();
        var parameters = new Dictionary<string, object>();
        switch (type)
        {
            case "PSCredential":
                parameters["Secret"] = new PSCredential(UserNameOf(secretName), key.ToSecureString());
                break;
            case "String":
                parameters["Secret"] = new System.Net.NetworkCredential(string.Empty, key.ToSecureString()).Password; // the vault keeps it as text, as it did
                break;
            default:
                parameters["SecureStringSecret"] = key.ToSecureString();
                break;
        }

        Hashtable? metadata = info?.Properties["Metadata"]?.Value is IDictionary { Count: > 0 } kept ? ToHashtable(kept) : null;
        if (metadata is not null)
        {
            parameters["Metadata"] = metadata;
        }

        _metadataWritten.Remove(secretName);
        Invoke("Set-Secret", secretName, parameters, requireVault: true);
        if (info is not null)
        {
            // What the secret's metadata is now, as this write left it: the next TrySetMetadata adds to it without
            // another Get-SecretInfo (docs/rotation.md, "Vault operations").
            _metadataWritten[secretName] = metadata ?? new Hashtable(StringComparer.OrdinalIgnoreCase);
        }
    }

    /// <summary>
    /// True when the secret exists (Get-SecretInfo, which reads no value). Get-SecretInfo takes a wildcard
    /// filter, so the name goes escaped and the names that come back are compared whole (ignoring case, as
    /// vaults such as SecretStore match names).
    /// </summary>
    public bool Exists(string secretName) => FindInfo(secretName, out _) is not null;

    /// <summary>The UserName of a secret kept as a PSCredential (from the last read of it, else read now).</summary>
    private string UserNameOf(string secretName)
    {
        if (_userNames.TryGetValue(secretName, out string? known))
        {
            return known;
        }

        return Read(secretName, asPlainText: false) is PSCredential credential ? credential.UserName : "PerplexityKeys";
    }

    /// <summary>Removes a secret; nothing when it is missing.</summary>
    public void Remove(string secretName)
    {
        _metadataWritten.Remove(secretName);
        if (Exists(secretName))
        {
            Invoke("Remove-Secret", secretName, [], requireVault: true);
        }
    }

    /// <summary>Unlock-SecretVault with a password (never a prompt).</summary>
    public void Unlock(SecureString password) => Unlock(password, _vault ?? throw new PplxVaultOperationException("Unlock-SecretVault needs a vault name (-Vault).", Name, "(unlock)"));

    private void Unlock(SecureString password, string vault)
    {
        var command = new PSCommand().AddCommand(Module + "Unlock-SecretVault").AddParameter("Name", vault).AddParameter("Password", password);
        Execute(command, "(unlock)");
    }

    /// <summary>Reads a secret stored as text; null when missing.</summary>
    public string? ReadText(string secretName)
    {
        object? value = Read(secretName, asPlainText: true);
        return value switch
        {
            null => null,
            string text => text,
            _ => "(" + value.GetType().Name + ")",
        };
    }

    /// <summary>
    /// Get-Secret, with the name taken literally. Without a vault, SecretManagement looks the name up in the
    /// default vault through Get-SecretInfo, a wildcard filter, so a name such as 'svc[1]' is never found
    /// there: the vault is found first (Get-SecretInfo, escaped, exact names, default vault first, as
    /// SecretManagement searches), then read by name.
    /// </summary>
    private object? Read(string secretName, bool asPlainText)
    {
        string? vault = _vault;
        if (vault is null)
        {
            vault = FindInfo(secretName, out _)?.Properties["VaultName"]?.Value as string;
            if (vault is null)
            {
                return null;
            }
        }

        var parameters = new Dictionary<string, object>();
        if (asPlainText)
        {
            parameters["AsPlainText"] = true;
        }

        return Invoke("Get-Secret", secretName, parameters, requireVault: false, vault: vault).FirstOrDefault()?.BaseObject;
    }

    /// <summary>The secret's SecretInformation (the first exact match), or null; vault errors throw unless the secret was found.</summary>
    private PSObject? FindInfo(string secretName, out IReadOnlyList<ErrorRecord> errors)
    {
        var command = new PSCommand().AddCommand(Module + "Get-SecretInfo").AddParameter("Name", WildcardPattern.Escape(secretName));
        if (_vault is not null)
        {
            command.AddParameter("Vault", _vault);
        }

        Collection<PSObject> output = Run(command, secretName, out errors);
        PSObject? match = output.FirstOrDefault(info => string.Equals(info.Properties["Name"]?.Value as string, secretName, StringComparison.OrdinalIgnoreCase));
        if (match is null)
        {
            foreach (ErrorRecord error in errors)
            {
                SecretManagementErrors.Throw(error, Name, _vault, secretName);
            }
        }

        return match;
    }

    private Collection<PSObject> Invoke(string command, string secretName, Dictionary<string, object> parameters, bool requireVault, string? vault = null)
    {
        try
        {
            return InvokeOnce(command, secretName, parameters, requireVault, vault);
        }
        catch (PplxVaultLockedException) when (_password is not null && (vault ?? _vault) is { } named)
        {
            Unlock(_password, named);
            try
            {
                return InvokeOnce(command, secretName, parameters, requireVault, vault);
            }
            catch (PplxVaultLockedException again)
            {
                throw PplxVaultLockedException.StillLocked(named, secretName, again);
            }
        }
    }

    private Collection<PSObject> InvokeOnce(string command, string secretName, Dictionary<string, object> parameters, bool requireVault, string? vault)
    {
        vault ??= _vault;
        if (requireVault && vault is null)
        {
            throw new PplxVaultOperationException($"{command} needs a vault name (-Vault); the module never writes to a vault it was not told.", Name, secretName);
        }

        var call = new PSCommand().AddCommand(Module + command).AddParameter("Name", secretName);
        if (vault is not null)
        {
            call.AddParameter("Vault", vault);
        }

        foreach (KeyValuePair<string, object> pair in parameters)
        {
            call.AddParameter(pair.Key, pair.Value);
        }

        if (command is not ("Get-Secret" or "Get-SecretInfo"))
        {
            // Unattended: a vault write never prompts (Remove-Secret asks by default).
            call.AddParameter("Confirm", false);
        }

        return Execute(call, secretName);
    }

    /// <summary>Runs one call; its error records become the core's vault exceptions.</summary>
    internal Collection<PSObject> Execute(PSCommand command, string secretName)
    {
        Collection<PSObject> output = Run(command, secretName, out IReadOnlyList<ErrorRecord> errors);
        foreach (ErrorRecord error in errors)
        {
            SecretManagementErrors.Throw(error, Name, _vault, secretName);
        }

        return output;
    }

    private Collection<PSObject> Run(PSCommand command, string secretName, out IReadOnlyList<ErrorRecord> errors)
    {
        Calls++;
        return _calls.Run(command, secretName, out errors);
    }
}
