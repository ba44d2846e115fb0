using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;

namespace PerplexityKeys;

/// <summary>
/// One change to a session's own state (its type table, its views) made once per runspace, by one PowerShell command
/// run from inside an import or a command. The nested pipeline says -WhatIf and -Confirm outright: it would otherwise
/// take the caller's $WhatIfPreference or $ConfirmPreference (a dry run, a function called with -Confirm), and an update
/// "made" as a what-if is none. A runspace is marked done only once the command succeeded, so the next try asks again.
/// </summary>
internal sealed class SessionSetup
{
    private readonly ConditionalWeakTable<Runspace, string> _done = new();
    private readonly string _command;
    private readonly Func<Dictionary<string, object>> _parameters;

    /// <param name="command">The module-qualified command, e.g. Microsoft.PowerShell.Utility\Update-TypeData.</param>
    /// <param name="parameters">Its parameters, built only when the command runs.</param>
    public SessionSetup(string command, Func<Dictionary<string, object>> parameters)
    {
        _command = command;
        _parameters = parameters;
    }

    /// <summary>Runs the command in the current runspace unless done there; null when done (or there is no runspace), else why not.</summary>
    /// <remarks>Two commands of one runspace never run this at once (one pipeline thread), so the check and the mark need no lock.</remarks>
    public string? TryApply()
    {
        Runspace? session = Runspace.DefaultRunspace;
        if (session is null || _done.TryGetValue(session, out _))
        {
            return null;
        }

        try
        {
            using PowerShell update = PowerShell.Create(RunspaceMode.CurrentRunspace);
            update.AddCommand(_command).AddParameters(_parameters())
                .AddParameter("WhatIf", false).AddParameter("Confirm", false).Invoke();
            if (update.Streams.Error.Count > 0)
            {
                return update.Streams.Error[0].Exception.Message;
            }
        }
        catch (Exception e) when (e is RuntimeException or InvalidOperationException or System.IO.IOException)
        {
            return e.Message;
        }

        _done.Add(session, _command);
        return null;
    }
}
