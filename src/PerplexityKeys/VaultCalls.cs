using System.Collections.ObjectModel;
using System.Linq;
using System.Management.Automation.Runspaces;
using System.Threading;
using System.Threading.Tasks;
using PerplexityKeys.Core.Api;
using PerplexityKeys.Core.Vault;

namespace PerplexityKeys;

/// <summary>
/// Makes one SecretManagement call at a time in a runspace of the module's own (<see cref="VaultRunspaces"/>), waited for
/// on the pipeline thread up to the timeout or Ctrl+C; a call that does not return by then is left behind and recorded
/// in <see cref="OutstandingVaultCalls"/> until it does.
/// </summary>
internal sealed class VaultCalls(PplxCmdlet cmdlet, string name, TimeSpan timeout, CancellationToken stopping)
{
    private const string Module = SecretManagementVault.Module;
    private readonly PplxCmdlet _cmdlet = cmdlet;
    private readonly string _name = name;
    private readonly TimeSpan _callTimeout = timeout;
    private readonly CancellationToken _stopping = stopping;

    /// <summary>
    /// Runs one SecretManagement call; its output and error records. A call that the host stopped
    /// (SecretStore prompting for a password with no one to answer: the pipeline ends Stopped, often
    /// with no error record at all) is a failure, never a success or "not found". A call that has not returned
    /// within the timeout, or when Ctrl+C comes, is left behind: asked to stop, and recorded as outstanding until it
    /// returns, since SecretManagement cannot stop a vault function and the call may still write.
    /// </summary>
    public Collection<PSObject> Run(PSCommand command, string secretName, out IReadOnlyList<ErrorRecord> errors)
    {
        var records = new List<ErrorRecord>();
        errors = records;
        string operation = command.Commands[0].CommandText.Substring(Module.Length);
        if (OutstandingVaultCalls.AnyRunning() is { } running)
        {
            throw PplxVaultTimeoutException.StillRunning(_name, secretName, running);
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
            runspace = VaultRunspaces.Rent(_cmdlet, _cmdlet.SecretManagementModule);
        }
        catch (Exception e) when (e is RuntimeException or InvalidOperationException)
        {
            throw new PplxVaultOperationException(
                $"SecretManagement is not available ({e.Message}). Install Microsoft.PowerShell.SecretManagement and register a vault.", _name, secretName, e);
        }

        // A command that never prompts (Get-PplxToken) refuses the vault's questions for the length of this call only.
        using HostPrompts.Scope? refusing = _cmdlet.NeverPrompts ? HostPrompts.Refuse(_cmdlet.Host) : null;
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

            throw PplxVaultTimeoutException.TimedOut(_name, secretName, operation, _callTimeout);
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
                $"SecretManagement is not available ({e.Message}). Install Microsoft.PowerShell.SecretManagement and register a vault.", _name, secretName, e);
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

        // A refused question is positive evidence that the vault wanted a password, however SecretManagement passed the
        // refusal on (a stopped pipeline, or an error record wrapping it).
        if (ended.State == PSInvocationState.Stopped || (refusing?.Refused == true && (records.Count > 0 || ended.State == PSInvocationState.Failed)))
        {
            throw PplxVaultLockedException.PromptStopped(_name, secretName, ended.Reason);
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

        OutstandingVaultCalls.Add(_name, $"{operation} '{OutsideText.Escape(secretName)}'", ended.Task);
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
