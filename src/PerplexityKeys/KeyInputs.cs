using System.Security;
using PerplexityKeys.Core.Vault;

namespace PerplexityKeys;

/// <summary>The keys a command was given: a secret's, an environment variable's, PplxTokens from the pipeline, and SecureStrings.</summary>
internal static class KeyInputs
{
    /// <summary>
    /// The keys of one ProcessRecord call, from either input set, each with the token it came in
    /// (when it came as a PplxToken). A key that cannot be a key is reported as an item error and skipped.
    /// </summary>
    public static IEnumerable<(ApiKey Key, PplxToken? Token)> Of(
        PplxCmdlet cmdlet, PplxToken[]? tokens, SecureString[]? keys, string? secretName = null, string? vault = null, SecureString? vaultPassword = null, string? environmentVariable = null)
    {
        if (environmentVariable is not null && FromEnvironment(cmdlet, environmentVariable) is { } fromEnvironment)
        {
            yield return (fromEnvironment, new PplxToken(fromEnvironment, EnvironmentKey.Shown(environmentVariable), null, null));
        }

        if (secretName is not null && !cmdlet.IsRotationHelper(secretName))
        {
            ApiKey? stored = null;
            try
            {
                cmdlet.UnlockIfAsked(vault, vaultPassword);
                stored = cmdlet.VaultFor(vault, vaultPassword).ReadKey(secretName) ?? throw new PplxSecretNotFoundException(vault ?? "(any vault)", secretName);
                cmdlet.WarnOnOddShape(stored);
            }
            catch (PplxException e)
            {
                cmdlet.WriteItemError(e, secretName);
            }

            if (stored is not null)
            {
                yield return (stored, new PplxToken(stored, secretName, null, null));
            }
        }

        foreach (PplxToken token in tokens ?? [])
        {
            ApiKey? key = ToApiKey(cmdlet, token.Key, token);
            if (key is not null)
            {
                yield return (key, token);
            }
        }

        foreach (SecureString secure in keys ?? [])
        {
            ApiKey? key = ToApiKey(cmdlet, secure, null);   // never the SecureString as a target: Export-Clixml writes it as plain text on Linux
            if (key is not null)
            {
                yield return (key, null);
            }
        }
    }

    /// <summary>The key in the environment variable (EnvironmentKey); an item error, naming the variable and never its value, when there is none.</summary>
    private static ApiKey? FromEnvironment(PplxCmdlet cmdlet, string variable) =>
        Checked(cmdlet, () => EnvironmentKey.Read(variable), _ => EnvironmentKey.Shown(variable));

    private static ApiKey? ToApiKey(PplxCmdlet cmdlet, SecureString secure, object? target) =>
        Checked(cmdlet, () => ApiKey.FromSecureString(secure), e => target ?? (e as PplxKeyFormatException)?.Fingerprint ?? "(a key)");

    /// <summary>The key <paramref name="read"/> gives, with a warning if its shape is odd; an item error when there is none.</summary>
    private static ApiKey? Checked(PplxCmdlet cmdlet, Func<ApiKey> read, Func<PplxException, object> targetOf)
    {
        try
        {
            ApiKey key = read();
            cmdlet.WarnOnOddShape(key);
            return key;
        }
        catch (PplxException e)
        {
            cmdlet.WriteItemError(e, targetOf(e));
            return null;
        }
    }
}
