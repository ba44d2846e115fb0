using System.Collections;
using System.Collections.ObjectModel;
using System.Management.Automation.Runspaces;

namespace PerplexityKeys;

/// <summary>
/// Where tab completion asks SecretManagement: a runspace of the module's own with no user interface, so a locked vault
/// cannot prompt (its call fails and completes nothing) and nothing is ever unlocked. One runspace, reused; a call
/// that takes longer than a moment is stopped, so a slow vault never holds the keyboard.
/// </summary>
internal static class CompletionRunspace
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(3);
    private static readonly object Gate = new();
    private static Runspace? _runspace;

    /// <summary>Runs <paramref name="script"/> with <paramref name="parameters"/>; nothing on any failure.</summary>
    public static Collection<PSObject> Invoke(string script, IDictionary parameters)
    {
        lock (Gate)
        {
            try
            {
                using PowerShell shell = PowerShell.Create();
                shell.Runspace = Runspace();
                shell.AddScript(script).AddParameters(parameters);
                IAsyncResult call = shell.BeginInvoke();
                if (!call.AsyncWaitHandle.WaitOne(Patience))
                {
                    shell.Stop();
                    return [];
                }

                return shell.EndInvoke(call) is { } results ? new Collection<PSObject>([.. results]) : [];
            }
            catch (Exception e) when (e is RuntimeException or InvalidOperationException or InvalidRunspaceStateException)
            {
                _runspace?.Dispose();
                _runspace = null;
                return [];
            }
        }
    }

    private static Runspace Runspace()
    {
        if (_runspace is { RunspaceStateInfo.State: RunspaceState.Opened })
        {
            return _runspace;
        }

        // No host argument: the default host has no user interface, so Read-Host and credential prompts fail at once.
        Runspace created = RunspaceFactory.CreateRunspace();
        created.Open();
        _runspace = created;
        return created;
    }
}
