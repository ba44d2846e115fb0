namespace PerplexityKeys;

/// <summary>
/// A cmdlet whose errors and warnings also reach the log of the pipeline system that runs it (CiLog; nothing when none
/// does). Its WriteError, ThrowTerminatingError and WriteWarning hide Cmdlet's own, so every call a module cmdlet makes
/// passes here; the line is written first, since the base method throws under Stop.
/// </summary>
public abstract class CiLoggedCmdlet : PSCmdlet
{
    private CiLog? _ci;

    /// <summary>The pipeline system's log: silent unless Azure Pipelines or GitHub Actions runs the command.</summary>
    internal CiLog Ci => _ci ??= CiLog.For(this);

    /// <summary>Writes a non-terminating error; under a pipeline system also as its error line, unless -ErrorAction (or $ErrorActionPreference) is SilentlyContinue or Ignore.</summary>
    public new void WriteError(ErrorRecord errorRecord)
    {
        if (ActionPreferences.Shows(ActionPreferences.OnError(this)))
        {
            Ci.Error(CiLog.ErrorText(MyInvocation.MyCommand.Name, errorRecord));
        }

        base.WriteError(errorRecord);
    }

    /// <summary>Ends the command with an error; under a pipeline system also writes its error line (a terminating error is never silent).</summary>
    public new void ThrowTerminatingError(ErrorRecord errorRecord)
    {
        Ci.Error(CiLog.ErrorText(MyInvocation.MyCommand.Name, errorRecord));
        base.ThrowTerminatingError(errorRecord);
    }

    /// <summary>Writes a warning; under a pipeline system also as its warning line, unless -WarningAction (or $WarningPreference) is SilentlyContinue or Ignore.</summary>
    public new void WriteWarning(string text)
    {
        if (ActionPreferences.Shows(ActionPreferences.OnWarning(this)))
        {
            Ci.Warning($"{MyInvocation.MyCommand.Name}: {text}");
        }

        base.WriteWarning(text);
    }
}
