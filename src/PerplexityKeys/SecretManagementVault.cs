using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Linq;
using System.Management.Automation;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using PerplexityKeys.Core.Model;
using PerplexityKeys.Core.Vault;

namespace PerplexityKeys;

/// <summary>
/// The core's vault interface over SecretManagement's public cmdlets, module-qualified, in the
/// caller's runspace and always on the cmdlet's pipeline thread (SecretManagement is not thread-safe).
/// Never passes -Metadata to Set-Secret: on a vault without metadata support that writes the secret
/// and then removes it again (SecretManagement 1.1.2). Metadata goes through Set-SecretInfo instead.
/// </summary>
internal sealed class SecretManagementVault : ISecretVault
{
    private const string Module = "Microsoft.PowerShell.SecretManagement\\";
    private readonly PSCmdlet _cmdlet;
    private readonly string? _vault;
    private readonly PipelineDispatcher? _dispatcher;

    public SecretManagementVault(PSCmdlet cmdlet, string? vault, PipelineDispatcher? dispatcher)
    {
        _cmdlet = cmdlet;
        _vault = vault;
        _dispatcher = dispatcher;
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

    /// <summary>Reads a key; null when missing. Strings, SecureStrings and PSCredentials (password) are keys.</summary>
    public ApiKey? ReadKey(string secretName)
    {
        object? value = Invoke("Get-Secret", secretName, [], requireVault: false).FirstOrDefault()?.BaseObject;
        return value switch
        {
            null => null,
            SecureString secure => ApiKey.FromSecureString(secure),
            PSCredential credential => ApiKey.FromSecureString(credential.Password),
            string text => ApiKey.Create(text),
            _ => throw new PplxSecretTypeException(Name, secretName, value is Hashtable ? "hashtable" : value is byte[] ? "byte[]" : value.GetType().Name),
        };
    }

    /// <summary>Writes a key as a SecureString.</summary>
    public void WriteKey(string secretName, ApiKey key) =>
        Invoke("Set-Secret", secretName, new() { ["SecureStringSecret"] = key.ToSecureString() }, requireVault: true);

    /// <summary>True when the secret exists (Get-SecretInfo, which reads no value).</summary>
    public bool Exists(string secretName) =>
        Invoke("Get-SecretInfo", secretName, [], requireVault: false)
            .Any(info => string.Equals(info.Properties["Name"]?.Value as string, secretName, StringComparison.OrdinalIgnoreCase));

    /// <summary>Replaces metadata with strings; false when the vault keeps none.</summary>
    public bool TrySetMetadata(string secretName, IReadOnlyDictionary<string, string> metadata)
    {
        var table = new Hashtable();
        foreach (KeyValuePair<string, string> pair in metadata)
        {
            table[pair.Key] = pair.Value;
        }

        try
        {
            Invoke("Set-SecretInfo", secretName, new() { ["Metadata"] = table }, requireVault: true);
            return true;
        }
        catch (MetadataNotSupportedException)
        {
            return false;
        }
        catch (PplxVaultOperationException e)
        {
            _cmdlet.WriteWarning($"The vault '{Name}' did not keep metadata for '{secretName}': {e.Message}");
            return false;
        }
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
    public void Unlock(SecureString password)
    {
        using PowerShell ps = PowerShell.Create(RunspaceMode.CurrentRunspace);
        ps.AddCommand(Module + "Unlock-SecretVault").AddParameter("Name", _vault).AddParameter("Password", password);
        Execute(ps, "(unlock)");
    }

    private string? ReadText(string secretName)
    {
        object? value = Invoke("Get-Secret", secretName, new() { ["AsPlainText"] = true }, requireVault: false).FirstOrDefault()?.BaseObject;
        return value switch
        {
            null => null,
            string text => text,
            _ => "(" + value.GetType().Name + ")",
        };
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

    private Collection<PSObject> Invoke(string command, string secretName, Dictionary<string, object> parameters, bool requireVault)
    {
        if (requireVault && _vault is null)
        {
            throw new PplxVaultOperationException($"{command} needs a vault name (-Vault); the module never writes to a vault it was not told.", Name, secretName);
        }

        using PowerShell ps = PowerShell.Create(RunspaceMode.CurrentRunspace);
        ps.AddCommand(Module + command).AddParameter("Name", secretName);
        if (_vault is not null)
        {
            ps.AddParameter("Vault", _vault);
        }

        foreach (KeyValuePair<string, object> pair in parameters)
        {
            ps.AddParameter(pair.Key, pair.Value);
        }

        if (command is not ("Get-Secret" or "Get-SecretInfo"))
        {
            // Unattended: a vault write never prompts (Remove-Secret asks by default).
            ps.AddParameter("Confirm", false);
        }

        return Execute(ps, secretName);
    }

    private Collection<PSObject> Execute(PowerShell ps, string secretName)
    {
        Collection<PSObject> output;
        var errors = new List<ErrorRecord>();
        try
        {
            output = ps.Invoke();
            errors.AddRange(ps.Streams.Error);
        }
        catch (RuntimeException e)
        {
            output = [];
            errors.Add(e.ErrorRecord);
        }
        catch (Exception e) when (e is CommandNotFoundException or InvalidOperationException)
        {
            throw new PplxVaultOperationException(
                $"SecretManagement is not available ({e.Message}). Install Microsoft.PowerShell.SecretManagement and register a vault.", Name, secretName, e);
        }

        foreach (WarningRecord warning in ps.Streams.Warning)
        {
            _cmdlet.WriteWarning(warning.Message);
        }

        foreach (ErrorRecord error in errors)
        {
            ThrowFor(error, secretName);
        }

        return output;
    }

    private void ThrowFor(ErrorRecord error, string secretName)
    {
        string id = error.FullyQualifiedErrorId ?? string.Empty;
        for (Exception? e = error.Exception; e is not null; e = e.InnerException)
        {
            if (e.GetType().FullName == "Microsoft.PowerShell.SecretManagement.PasswordRequiredException")
            {
                throw new PplxVaultLockedException(Name, e);
            }
        }

        if (id.StartsWith("GetSecretNotFound", StringComparison.Ordinal))
        {
            return; // Not found is "null", not an error.
        }

        if (id.StartsWith("GetSecretVaultNotFound", StringComparison.Ordinal) || id.StartsWith("VaultNotFound", StringComparison.Ordinal))
        {
            throw new PplxVaultNotFoundException(_vault ?? string.Empty, error.Exception);
        }

        if (id.StartsWith("SetSecretMetadataCommandNotSupported", StringComparison.Ordinal))
        {
            throw new MetadataNotSupportedException();
        }

        if (id.StartsWith("SetSecretCommandFailNoVault", StringComparison.Ordinal))
        {
            throw new PplxVaultOperationException("No vault was named and SecretManagement has no default vault.", Name, secretName, error.Exception);
        }

        if (id.StartsWith("CommandNotFoundException", StringComparison.Ordinal))
        {
            throw new PplxVaultOperationException(
                "SecretManagement is not available. Install Microsoft.PowerShell.SecretManagement and register a vault.", Name, secretName, error.Exception);
        }

        throw new PplxVaultOperationException($"The vault '{Name}' failed on '{secretName}': {error.Exception?.Message}", Name, secretName, error.Exception);
    }

    private sealed class MetadataNotSupportedException : Exception;
}
