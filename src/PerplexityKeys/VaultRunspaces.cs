using System.Collections.Concurrent;
using System.Management.Automation.Runspaces;

namespace PerplexityKeys;

/// <summary>
/// Runspaces of the module's own in which SecretManagement's cmdlets run, so that a vault call that hangs can be left
/// behind (timed out, or on Ctrl+C) while the command goes on: a call made in the caller's own runspace can only be
/// waited for, because SecretManagement runs the vault's function synchronously and never stops it. Each runspace
/// has the caller's host (a vault that prompts still reaches the user) and SecretManagement imported from where the
/// caller's session has it. A runspace is lent to one call at a time; one left behind is never lent again.
/// </summary>
internal static class VaultRunspaces
{
    private static readonly ConcurrentDictionary<(Guid Host, string Module), ConcurrentBag<Runspace>> Idle = new();
    private static readonly ConcurrentDictionary<Runspace, (Guid Host, string Module)> Kinds = new();

    /// <summary>A runspace for one call from <paramref name="cmdlet"/>; give it back with <see cref="Return"/> when the call has ended.</summary>
    /// <param name="cmdlet">The calling cmdlet (its host).</param>
    /// <param name="module">SecretManagement as <see cref="ModuleOf"/> found it.</param>
    public static Runspace Rent(PSCmdlet cmdlet, string module)
    {
        var key = (cmdlet.Host.InstanceId, module);
        ConcurrentBag<Runspace> idle = Idle.GetOrAdd(key, _ => new ConcurrentBag<Runspace>());
        while (idle.TryTake(out Runspace? runspace))
        {
            if (runspace.RunspaceStateInfo.State == RunspaceState.Opened && runspace.RunspaceAvailability == RunspaceAvailability.Available)
            {
                return runspace;
            }

            Kinds.TryRemove(runspace, out _);
            runspace.Dispose();
        }

        Runspace created;
        try
        {
            created = Open(cmdlet, module);
        }
        catch (RuntimeException first)
        {
            // Once more: an import can fail for a moment (a file replaced while it was read); the reason is kept.
            try
            {
                created = Open(cmdlet, module);
            }
            catch (RuntimeException)
            {
                throw new InvalidOperationException($"it could not be imported from '{module}' into the module's runspace: {first.Message}", first);
            }
        }

        Kinds[created] = key;
        return created;
    }

    /// <summary>
    /// A new runspace with SecretManagement imported. Imported after the runspace opens, not through the session state
    /// (which ignores an import that fails), so that a failure says why.
    /// </summary>
    private static Runspace Open(PSCmdlet cmdlet, string module)
    {
        Runspace created = RunspaceFactory.CreateRunspace(cmdlet.Host, InitialSessionState.CreateDefault2());
        created.Open();
        try
        {
            using PowerShell import = PowerShell.Create();
            import.Runspace = created;
            import.AddCommand("Microsoft.PowerShell.Core\\Import-Module").AddParameter("Name", module).AddParameter("ErrorAction", ActionPreference.Stop);
            import.Invoke();
            return created;
        }
        catch
        {
            created.Dispose();
            throw;
        }
    }

    /// <summary>Takes back a runspace whose call has ended.</summary>
    public static void Return(Runspace runspace)
    {
        if (Kinds.TryGetValue(runspace, out var key) && Idle.TryGetValue(key, out ConcurrentBag<Runspace>? idle))
        {
            idle.Add(runspace);
        }
        else
        {
            Forget(runspace);
        }
    }

    /// <summary>Disposes a runspace that will not be lent again (its call was left behind).</summary>
    public static void Forget(Runspace runspace)
    {
        Kinds.TryRemove(runspace, out _);
        runspace.Dispose();
    }

    /// <summary>
    /// SecretManagement as the caller's session has it: the manifest of the module it imported, else its name (found on
    /// PSModulePath). On the pipeline thread.
    /// </summary>
    public static string ModuleOf(PSCmdlet cmdlet)
    {
        const string Find = "Get-Module -Name Microsoft.PowerShell.SecretManagement | Select-Object -First 1 | ForEach-Object { " +
            "$m = Join-Path $_.ModuleBase ($_.Name + '.psd1'); if (Test-Path -LiteralPath $m) { $m } else { $_.Path } }";
        foreach (PSObject found in cmdlet.InvokeCommand.InvokeScript(Find))
        {
            if (found?.BaseObject is string path && path.Length > 0)
            {
                return path;
            }
        }

        return "Microsoft.PowerShell.SecretManagement";
    }
}
