using System.Linq;
using PerplexityKeys.Core.Api;
using PerplexityKeys.Core.Vault;

namespace PerplexityKeys;

/// <summary>What SecretManagement's error records mean, as the core's vault exceptions.</summary>
internal static class SecretManagementErrors
{
    /// <summary>
    /// Maps one SecretManagement error record to the core's exceptions. Matched on exception types and on
    /// the ErrorId part of the FullyQualifiedErrorId (before the comma), never the whole FQID: its suffix
    /// names SecretManagement's cmdlet, and a vault's own errors keep their ErrorId under it.
    /// </summary>
    /// <param name="error">The record.</param>
    /// <param name="name">The vault as messages name it.</param>
    /// <param name="vault">The vault named by the caller (null: SecretManagement's search).</param>
    /// <param name="secretName">The secret the call was about.</param>
    public static void Throw(ErrorRecord error, string name, string? vault, string secretName)
    {
        for (Exception? e = error.Exception; e is not null; e = e.InnerException)
        {
            if (e.GetType().FullName == "Microsoft.PowerShell.SecretManagement.PasswordRequiredException")
            {
                throw new PplxVaultLockedException(name, e);
            }
        }

        switch (ErrorIdOf(error))
        {
            case "GetSecretNotFound":
                return; // Not found is "null", not an error.
            case "GetSecretVaultNotFound" or "VaultNotFound":
                throw new PplxVaultNotFoundException(vault ?? string.Empty, error.Exception);
            case "SetSecretMetadataCommandNotSupported":
                throw new MetadataNotSupportedException();
            case "SetSecretCommandFailNoVault" or "SetSecretInfoCommandFailNoVault":
                throw new PplxVaultOperationException("No vault was named and SecretManagement has no default vault.", name, secretName, error.Exception);
            case "CommandNotFoundException":
                throw new PplxVaultOperationException(
                    "SecretManagement is not available. Install Microsoft.PowerShell.SecretManagement and register a vault.", name, secretName, error.Exception);
        }

        if (error.Exception is CommandNotFoundException)
        {
            throw new PplxVaultOperationException(
                "SecretManagement is not available. Install Microsoft.PowerShell.SecretManagement and register a vault.", name, secretName, error.Exception);
        }

        throw new PplxVaultOperationException($"The vault '{name}' failed on '{secretName}': {Reason(error.Exception)}", name, secretName, error.Exception);
    }

    /// <summary>The ErrorId part of a FullyQualifiedErrorId ("GetSecretNotFound,Microsoft.PowerShell.SecretManagement.GetSecretCommand").</summary>
    private static string ErrorIdOf(ErrorRecord error)
    {
        string id = error.FullyQualifiedErrorId ?? string.Empty;
        int comma = id.IndexOf(',');
        return comma < 0 ? id : id.Substring(0, comma);
    }

    /// <summary>
    /// The failure's message and the vault's own reason under it (SecretManagement puts that only in the
    /// InnerException: "Unable to add secret X to vault V"), each once, key-like text redacted and control
    /// characters escaped: a vault's text is outside text.
    /// </summary>
    private static string Reason(Exception? error)
    {
        var parts = new List<string>();
        for (Exception? e = error; e is not null && parts.Count < 4; e = e.InnerException)
        {
            string text = OutsideText.EscapeRedacted(e.Message ?? string.Empty).Trim();
            if (text.Length > 0 && !parts.Any(p => p.Contains(text)))
            {
                parts.Add(text.Length > 500 ? text.Substring(0, 500) + "..." : text);
            }
        }

        return parts.Count == 0 ? "(no reason given)" : string.Join(": ", parts);
    }

    /// <summary>The vault keeps no metadata (Set-SecretInfo is not supported).</summary>
    internal sealed class MetadataNotSupportedException : Exception;
}
