using System.Collections.ObjectModel;
using System.Linq;
using PerplexityKeys.Core.Api;
using PerplexityKeys.Core.Inventory;
using PerplexityKeys.Core.Rotation;
using PerplexityKeys.Core.Vault;

namespace PerplexityKeys.Commands;

/// <summary>
/// <para type="synopsis">Lists the Perplexity keys kept in SecretManagement vaults: where, which key, how old, and where its rotation stands. Never the key.</para>
/// <para type="description">Looks through every registered vault (or those -Vault names), reads each secret whose name matches -SecretName and whose value is a Perplexity key (pplx-…; other secrets are skipped, -Verbose says which), and its journal. It writes one PplxTokenInfo per key: Vault, SecretName, Fingerprint, Created, Age, LastRotated, State (Idle, Prepared: waiting for -Stage Finish, or Interrupted at a state) and ResumeCommand, the command that carries a rotation under way on. Sorted oldest first; keys of unknown age come first, since Invoke-PplxRotation -MaxAge treats them as due.</para>
/// <para type="description">The age comes from the secret's journal (S-pplx-journal), which New-PplxToken -Vault and Invoke-PplxRotation write beside the key in every kind of vault, with the key's creation time as the API reported it. It counts only for the key the journal names: a key set by hand, or kept before the module recorded it, has an unknown age (Created and Age empty), never a wrong one. Vault metadata (PplxCreatedAt) is a label for people and is not read.</para>
/// <para type="description">It never unlocks a vault (unless -VaultPassword gives the password) and never asks for a password itself. A locked vault is skipped with a warning that names it (VaultLocked); a vault named exactly with -Vault also writes a non-terminating VaultLocked error. Where nobody can answer (pwsh -NonInteractive, input that is not a terminal: scheduled tasks, CI), a vault that would prompt fails at once and is skipped. At a terminal too, a vault configured to prompt (SecretStore with -Interaction Prompt) is refused its question and skipped as locked, while later commands may still prompt. One case is out of this module's reach: SecretManagement runs every vault in a runspace of its own whose host it takes from the first command that used it in the process, so when that was a SecretManagement command typed by the user (Get-Secret), such a vault may still ask (docs/rotation.md). Configure such a store with -Interaction None, or unlock it first.</para>
/// <para type="errors">ErrorIds: VaultNotFound (a vault named exactly with -Vault is not registered), VaultLocked (a vault named exactly is locked), VaultOperationFailed, VaultTimeout, ItemsFailed.</para>
/// </summary>
/// <example>
/// <code>Get-PplxToken</code>
/// <para>Every Perplexity key in every registered vault, oldest first, with its age in days and its rotation's state.</para>
/// </example>
/// <example>
/// <code>Get-PplxToken -Vault Prod -SecretName 'pplx-*' | Test-PplxToken</code>
/// <para>Probes every key in vault Prod whose secret name starts with pplx-.</para>
/// </example>
/// <example>
/// <code>$ErrorActionPreference = 'Stop'; Get-PplxToken -Vault Prod | Invoke-PplxRotation -MaxAge 90.00:00:00 -Force</code>
/// <para>A scheduled task, nightly: rotates the keys that are 90 days old or older (and those of unknown age); the others are reported as NotDue, which is not an error. A locked vault is never unlocked or prompted for: it is skipped.</para>
/// </example>
/// <example>
/// <code>Get-PplxToken | Where-Object State -ne Idle | Select-Object Vault, SecretName, State, ResumeCommand</code>
/// <para>Rotations under way, and the command that carries each on.</para>
/// </example>
[Cmdlet(VerbsCommon.Get, "PplxToken")]
[OutputType(typeof(PplxTokenInfo))]
public sealed class GetPplxTokenCommand : PplxCmdlet
{
    private static readonly HashSet<string> KeyTypes = new(StringComparer.OrdinalIgnoreCase) { "String", "SecureString", "PSCredential" };

    /// <summary>
    /// <para type="description">The vaults to look through (wildcards allowed). Default: every registered vault.</para>
    /// </summary>
    [Parameter(Position = 1)]
    [ValidateNotNullOrEmpty]
    public string[]? Vault { get; set; }

    /// <summary>
    /// <para type="description">The secrets to list (wildcards allowed, matched as Get-SecretInfo matches names, ignoring case). Default: every secret. Escape a name with [WildcardPattern]::Escape to match it exactly.</para>
    /// </summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string[]? SecretName { get; set; }

    /// <summary>A vault that would ask for a password (SecretStore, -Interaction Prompt) is refused the question: it is skipped as locked.</summary>
    internal override bool NeverPrompts => true;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var found = new List<PplxTokenInfo>();
        WildcardPattern[] names = (SecretName ?? ["*"]).Select(n => WildcardPattern.Get(n, WildcardOptions.IgnoreCase)).ToArray();
        foreach ((string vault, bool named) in Vaults())
        {
            Collection<PSObject> infos;
            try
            {
                infos = VaultFor(vault, VaultPassword).Execute(new PSCommand().AddCommand(SecretManagementVault.Module + "Get-SecretInfo").AddParameter("Vault", vault), "(every secret)");
            }
            catch (PplxException e)
            {
                Skip(vault, named, e);
                continue;
            }

            var listed = new HashSet<string>(infos.Select(i => i.Properties["Name"]?.Value as string ?? string.Empty), StringComparer.OrdinalIgnoreCase);
            try
            {
                foreach (PSObject info in infos)
                {
                    string secret = info.Properties["Name"]?.Value as string ?? string.Empty;
                    Progress.Item($"reading '{secret}' in vault '{vault}'");
                    if (secret.Length > 0 && names.Any(n => n.IsMatch(secret)) && Inspect(vault, secret, info, listed) is { } token)
                    {
                        found.Add(token);
                    }
                }
            }
            catch (PplxVaultLockedException e)
            {
                Skip(vault, named, e); // it listed its secrets but will not give their values
            }
        }

        // Oldest first; unknown ages first of all (Invoke-PplxRotation -MaxAge rotates them as due).
        foreach (PplxTokenInfo token in found.OrderByDescending(t => t.Age ?? TimeSpan.MaxValue).ThenBy(t => t.Vault, StringComparer.OrdinalIgnoreCase).ThenBy(t => t.SecretName, StringComparer.OrdinalIgnoreCase))
        {
            WriteObject(token);
        }
    }

    /// <summary>The vaults to look through, each once, with whether the user named it exactly.</summary>
    private IEnumerable<(string Vault, bool Named)> Vaults()
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (string pattern in Vault ?? ["*"])
        {
            bool exact = !WildcardPattern.ContainsWildcardCharacters(pattern);
            Collection<PSObject> vaults;
            try
            {
                vaults = VaultFor(null).Execute(new PSCommand().AddCommand(SecretManagementVault.Module + "Get-SecretVault").AddParameter("Name", pattern), "(vaults)");
            }
            catch (PplxException e)
            {
                WriteItemError(e is PplxVaultNotFoundException ? new PplxVaultNotFoundException(pattern, e) : e, pattern);
                continue;
            }

            if (exact && vaults.Count == 0)
            {
                WriteItemError(new PplxVaultNotFoundException(pattern), pattern);
            }

            foreach (string name in vaults.Select(v => v.Properties["Name"]?.Value as string).Where(n => !string.IsNullOrEmpty(n)).Select(n => n!))
            {
                if (seen.Add(name))
                {
                    yield return (name, exact);
                }
            }
        }
    }

    /// <summary>A vault that cannot be read is skipped: a warning always, and an error too when the user named it exactly.</summary>
    private void Skip(string vault, bool named, PplxException e)
    {
        string why = e is PplxVaultLockedException ? "it is locked (VaultLocked), and this command never unlocks a vault: unlock it first (Unlock-SecretVault), or pass -VaultPassword" : e.Message;
        WriteWarning(OutsideText.Escape($"Skipped vault '{vault}': {why}"));
        if (named)
        {
            WriteItemError(e, vault);
        }
    }

    /// <summary>The secret as a PplxTokenInfo, or null (with a verbose line) when it holds no Perplexity key.</summary>
    private PplxTokenInfo? Inspect(string vault, string secret, PSObject info, HashSet<string> listed)
    {
        string shown = $"'{OutsideText.Escape(secret)}' in vault '{OutsideText.Escape(vault)}'";
        if (SiblingNames.IsSiblingName(secret))
        {
            WriteVerbose($"Skipped {shown}: it is a helper secret of a rotation.");
            return null;
        }

        if (info.Properties["Type"]?.Value?.ToString() is { } type && !KeyTypes.Contains(type))
        {
            WriteVerbose($"Skipped {shown}: a {OutsideText.Escape(type)} secret is not a key.");
            return null;
        }

        SecretManagementVault reader = VaultFor(vault, VaultPassword);
        try
        {
            ApiKey? key = reader.ReadKey(secret);
            if (key is null || !key.Fingerprint.StartsWith(ApiKey.Prefix, StringComparison.Ordinal))
            {
                WriteVerbose($"Skipped {shown}: it does not hold a Perplexity key.");
                return null;
            }

            string journalName = SiblingNames.Of(secret, SiblingNames.JournalSuffix);
            RotationJournal? journal = listed.Contains(journalName) ? RotationJournal.TryParse(reader.ReadText(journalName)) : null;
            if (journal?.Secret is { } owner && !string.Equals(owner, secret, StringComparison.OrdinalIgnoreCase))
            {
                WriteVerbose($"'{OutsideText.Escape(journalName)}' is the journal of another secret ('{OutsideText.Escape(owner)}'): the age of {shown} is unknown.");
                journal = null;
            }

            return new PplxTokenInfo(vault, secret, key.Fingerprint, KeyStandings.Of(key.Fingerprint, journal, SystemClock.UtcNow));
        }
        catch (Exception e) when (e is PplxKeyFormatException or PplxSecretTypeException)
        {
            WriteVerbose($"Skipped {shown}: it does not hold a Perplexity key.");
            return null;
        }
        catch (PplxException e) when (e is not PplxVaultLockedException)
        {
            WriteItemError(e, $"{vault}/{secret}");
            return null;
        }
    }
}
