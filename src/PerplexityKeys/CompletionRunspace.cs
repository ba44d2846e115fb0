using System.Collections;
using System.Collections.ObjectModel;
using System.Linq;
using System.Management.Automation.Host;
using System.Management.Automation.Runspaces;

namespace PerplexityKeys;

/// <summary>
/// Where tab completion asks SecretManagement: a runspace of the module's own, lent the user's host through
/// <see cref="ForwardingHost"/> as vault calls are (SecretManagement runs every vault in one runspace of its own, made
/// with the host of the first command that used it in the process: a host without a user interface here would take
/// the password prompts away from every later command). Nothing is ever unlocked; vaults that ask for a password are
/// not asked (<see cref="SecretNameCompleter"/>). One runspace per host, reused; a call that takes longer than a
/// moment is stopped, so a slow vault never holds the keyboard.
/// </summary>
internal static class CompletionRunspace
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(3);
    private static readonly object Gate = new();
    private static Runspace? _runspace;
    private static Guid _runspaceHost;

    /// <summary>Runs <paramref name="script"/> with <paramref name="parameters"/>; nothing on any failure.</summary>
    public static Collection<PSObject> Invoke(string script, IDictionary parameters)
    {
        lock (Gate)
        {
            PowerShell shell = PowerShell.Create();
            try
            {
                shell.Runspace = Runspace(CallerHost());
                shell.AddScript(script).AddParameters(parameters);
                IAsyncResult call = shell.BeginInvoke();
                if (!call.AsyncWaitHandle.WaitOne(Patience))
                {
                    // A vault that does not answer: give up at once. Stop and Dispose would wait for it (SecretManagement
                    // runs the vault in a runspace of its own that our stop does not reach), so the call is left to end
                    // in the background and its runspace is not used again.
                    Runspace abandoned = shell.Runspace;
                    _runspace = null;
                    shell.BeginStop(_ => { shell.Dispose(); abandoned.Dispose(); }, null);
                    shell = null!;
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
            finally
            {
                shell?.Dispose();
            }
        }
    }

    private static Runspace Runspace(PSHost? host)
    {
        Guid hostId = host?.InstanceId ?? Guid.Empty;
        if (_runspace is { RunspaceStateInfo.State: RunspaceState.Opened } && _runspaceHost == hostId)
        {
            return _runspace;
        }

        _runspace?.Dispose();
        Runspace created = host is null ? RunspaceFactory.CreateRunspace() : RunspaceFactory.CreateRunspace(new ForwardingHost(host));
        created.Open();
        (_runspace, _runspaceHost) = (created, hostId);
        return created;
    }

    // The host of the session being completed in (completion runs on its pipeline thread).
    private static PSHost? CallerHost()
    {
        using PowerShell shell = PowerShell.Create(RunspaceMode.CurrentRunspace);
        return shell.AddScript("$Host").Invoke().FirstOrDefault()?.BaseObject as PSHost;
    }
}
