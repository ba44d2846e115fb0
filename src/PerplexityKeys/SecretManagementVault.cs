using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using PerplexityKeys.Core.Api;
using PerplexityKeys.Core.Model;
using PerplexityKeys.Core.Rotation;
using PerplexityKeys.Core.Vault;

namespace PerplexityKeys;

/// <summary>
/// The core's vault interface over SecretManagement's public cmdlets, module-qualified, one call at a time, each in a
/// runspace of the module's own (<see cref="VaultRunspaces"/>) and waited for on the cmdlet's pipeline thread up to
/// -TimeoutSec or Ctrl+C, whichever comes first; a call that does not return by then is left behind
/// (<see cref="OutstandingVaultCalls"/>).
/// Never passes -Metadata to Set-Secret: on a vault without metadata support that writes the secret
/// and then removes it again (SecretManagement 1.1.2). Metadata goes through Set-SecretInfo instead.
/// </summary>
internal sealed class SecretManagementVault : ISecretVault
{
    private const string Module = "Microsoft.PowerShell.SecretManagement\\";
    private readonly PSCmdlet _cmdlet;
    private readonly string? _vault;
    private readonly PipelineDispatcher? _dispatcher;
    private readonly SecureString? _password;
    private readonly TimeSpan _callTimeout;
    private readonly CancellationToken _stopping;
    private readonly Dictionary<string, string> _userNames = new(StringComparer.OrdinalIgnoreCase);
    private string? _module;

    /// <param name="cmdlet">The calling cmdlet (its pipeline thread waits for every call).</param>
    /// <param name="vault">The vault; null = SecretManagement's search.</param>
    /// <param name="callTimeout">How long one call may take (-TimeoutSec).</param>
    /// <param name="dispatcher">Brings calls from other threads to the pipeline thread.</param>
    /// <param name="password">The vault's password (-VaultPassword): a vault that relocks during a run (SecretStore's
    /// -PasswordTimeout) is unlocked again with it and the call repeated once.</param>
    /// <param name="stopping">Ctrl+C: a call in flight is left behind at once.</param>
    public SecretManagementVault(PSCmdlet cmdlet, string? vault, TimeSpan callTimeout, PipelineDispatcher? dispatcher, SecureString? password, CancellationToken stopping)
    {
        _cmdlet = cmdlet;
        _vault = vault;
        _callTimeout = callTimeout;
        _stopping = stopping;
        _dispatcher = dispatcher;
        _password = password;
    }

    public string Name => _vault ?? "(default search)";

    public Task<ApiKey?> GetKeyAsync(string secretName, CancellationToken cancellationToken) => OnPipeline(() => ReadKey(secretName));

    public Task<string?> GetTextAsync(string secretName, CancellationToken cancellationToken) => OnPipeline(() => ReadText(secretName));

    public Task SetKeyAsync(string secretName, ApiKey key, CancellationToken cancellationToken) => OnPipeline(() =>
    {
        WriteKey(secretName, key);
        return true;
    });

    public Task SetTextAsync(string secretName, string text, CancellationToken cancellationToken) => OnPipeline(() =>
    {
        Invoke("Set-Secret", secretName, new() { ["Secret"] = text }, requireVault: true);
        return true;
    });

    public Task<bool> TrySetMetadataAsync(string secretName, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken) =>
        OnPipeline(() => TrySetMetadata(secretName, metadata));

    public Task RemoveAsync(string secretName, CancellationToken cancellationToken) => OnPipeline(() =>
    {
        Remove(secretName);
        return true;
    });

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

        if (info?.Properties["Metadata"]?.Value is IDictionary { Count: > 0 } kept)
        {
            parameters["Metadata"] = ToHashtable(kept);
        }

        Invoke("Set-Secret", secretName, parameters, requireVault: true);
    }

    /// <summary>
    /// True when the secret exists (Get-SecretInfo, which reads no value). Get-SecretInfo takes a wildcard
    /// filter, so the name goes escaped and the names that come back are compared whole (ignoring case, as
    /// vaults such as SecretStore match names).
    /// </summary>
    public bool Exists(string secretName) => FindInfo(secretName, out _) is not null;

    /// <summary>Every secret's SecretInformation in this vault (Get-SecretInfo); a vault that cannot be listed throws.</summary>
    public IReadOnlyList<PSObject> ListInfos() =>
        Execute(new PSCommand().AddCommand(Module + "Get-SecretInfo").AddParameter("Vault", _vault ?? throw new InvalidOperationException("ListInfos needs a vault.")), "(every secret)");

    /// <summary>The names of the registered vaults (Get-SecretVault).</summary>
    public IReadOnlyList<string> VaultNames() =>
        Execute(new PSCommand().AddCommand(Module + "Get-SecretVault"), "(vaults)")
            .Select(vault => vault.Properties["Name"]?.Value as string)
            .Where(name => !string.IsNullOrEmpty(name))
            .Select(name => name!)
            .ToList();

    /// <summary>Sets the module's metadata keys beside the user's own (which stay); false when the vault keeps none.</summary>
    public bool TrySetMetadata(string secretName, IReadOnlyDictionary<string, string> metadata)
    {
        Hashtable table = FindInfo(secretName, out _)?.Properties["Metadata"]?.Value is IDictionary current ? ToHashtable(current) : new Hashtable();
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

    private string? ReadText(string secretName)
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

    private Task<T> OnPipeline<T>(Func<T> work) =>
        _dispatcher?.InvokeAsync(work) ?? InlineAsync(work);

    private static Task<T> InlineAsync<T>(Func<T> work)
    {
        try
        {
            return Task.FromResult(work());
        }
        catch (Exception e)
        {
            return Task.FromException<T>(e);
        }
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

    private Collection<PSObject> Execute(PSCommand command, string secretName)
    {
        Collection<PSObject> output = Run(command, secretName, out IReadOnlyList<ErrorRecord> errors);
        foreach (ErrorRecord error in errors)
        {
            SecretManagementErrors.Throw(error, Name, _vault, secretName);
        }

        return output;
    }

    /// <summary>
    /// Runs one SecretManagement call; its output and error records. A call that the host stopped
    /// (SecretStore prompting for a password with no one to answer: the pipeline ends Stopped, often
    /// with no error record at all) is a failure, never a success or "not found". A call that has not returned
    /// within the timeout, or when Ctrl+C comes, is left behind: asked to stop, and recorded as outstanding until it
    /// returns, since SecretManagement cannot stop a vault function and the call may still write.
    /// </summary>
    private Collection<PSObject> Run(PSCommand command, string secretName, out IReadOnlyList<ErrorRecord> errors)
    {
        var records = new List<ErrorRecord>();
        errors = records;
        string operation = command.Commands[0].CommandText.Substring(Module.Length);
        if (OutstandingVaultCalls.AnyRunning() is { } running)
        {
            throw PplxVaultTimeoutException.StillRunning(Name, secretName, running);
        }

        foreach (Command each in command.Commands)
        {
            // The caller's $ErrorActionPreference (Stop, in many scripts) must not turn an expected "not found" into a
            // terminating error: every record comes back in the error stream, and this adapter decides what it means.
            if (!each.Parameters.Any(p => string.Equals(p.Name, "ErrorAction", StringComparison.OrdinalIgnoreCase)))
            {
                each.Parameters.Add("ErrorAction", ActionPreference.Continue);
            }
        }

        Runspace runspace;
        try
        {
            runspace = VaultRunspaces.Rent(_cmdlet, _module ??= VaultRunspaces.ModuleOf(_cmdlet));
        }
        catch (Exception e) when (e is RuntimeException or InvalidOperationException)
        {
            throw new PplxVaultOperationException(
                $"SecretManagement is not available ({e.Message}). Install Microsoft.PowerShell.SecretManagement and register a vault.", Name, secretName, e);
        }

        var ps = PowerShell.Create();
        ps.Runspace = runspace;
        ps.Commands = command;
        IAsyncResult pending = ps.BeginInvoke();
        int woke = WaitHandle.WaitAny([pending.AsyncWaitHandle, _stopping.WaitHandle], _callTimeout);
        if (woke != 0)
        {
            LeaveBehind(ps, runspace, operation, secretName);
            if (_stopping.IsCancellationRequested)
            {
                throw new PipelineStoppedException(); // Ctrl+C: this command is stopping, not the vault.
            }

            throw PplxVaultTimeoutException.TimedOut(Name, secretName, operation, _callTimeout);
        }

        Collection<PSObject> output;
        PSInvocationStateInfo ended;
        List<WarningRecord> warnings;
        try
        {
            output = new Collection<PSObject>(ps.EndInvoke(pending).ToList());
            records.AddRange(ps.Streams.Error);
        }
        catch (PipelineStoppedException)
        {
            output = [];
        }
        catch (RuntimeException e)
        {
            output = [];
            records.Add(e.ErrorRecord);
        }
        catch (Exception e) when (e is InvalidOperationException)
        {
            throw new PplxVaultOperationException(
                $"SecretManagement is not available ({e.Message}). Install Microsoft.PowerShell.SecretManagement and register a vault.", Name, secretName, e);
        }
        finally
        {
            ended = ps.InvocationStateInfo;
            warnings = ps.Streams.Warning.ToList();
            ps.Dispose();
            VaultRunspaces.Return(runspace);
        }

        foreach (WarningRecord warning in warnings)
        {
            _cmdlet.WriteWarning(OutsideText.EscapeRedacted(warning.Message));
        }

        if (ended.State == PSInvocationState.Stopped)
        {
            throw PplxVaultLockedException.PromptStopped(Name, secretName, ended.Reason);
        }

        return output;
    }

    /// <summary>
    /// Asks a call that has not returned to stop and goes on without it. It stays outstanding (no vault call in this
    /// process, the vault's rotation lock held) until it really ends; then its pipeline and runspace are disposed.
    /// </summary>
    private void LeaveBehind(PowerShell ps, Runspace runspace, string operation, string secretName)
    {
        var ended = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        ps.InvocationStateChanged += (_, e) =>
        {
            if (e.InvocationStateInfo.State is PSInvocationState.Completed or PSInvocationState.Failed or PSInvocationState.Stopped)
            {
                ended.TrySetResult(true);
            }
        };
        if (ps.InvocationStateInfo.State is PSInvocationState.Completed or PSInvocationState.Failed or PSInvocationState.Stopped)
        {
            ended.TrySetResult(true);
        }

        OutstandingVaultCalls.Add(Name, $"{operation} '{OutsideText.Escape(secretName)}'", ended.Task);
        ended.Task.ContinueWith(
            _ =>
            {
                ps.Dispose();
                VaultRunspaces.Forget(runspace);
            },
            TaskScheduler.Default);
        ps.BeginStop(null, null);
    }
}
