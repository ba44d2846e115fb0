namespace PerplexityKeys;

/// <summary>What a command's -ErrorAction or -WarningAction (else the caller's preference variable) says to do.</summary>
internal static class ActionPreferences
{
    /// <summary>-ErrorAction, else $ErrorActionPreference.</summary>
    public static ActionPreference OnError(PSCmdlet cmdlet) => Of(cmdlet, "ErrorAction", "ErrorActionPreference");

    /// <summary>-WarningAction, else $WarningPreference.</summary>
    public static ActionPreference OnWarning(PSCmdlet cmdlet) => Of(cmdlet, "WarningAction", "WarningPreference");

    /// <summary>False for SilentlyContinue and Ignore: the user asked not to see it.</summary>
    public static bool Shows(ActionPreference preference) => preference is not (ActionPreference.SilentlyContinue or ActionPreference.Ignore);

    private static ActionPreference Of(PSCmdlet cmdlet, string parameter, string variable)
    {
        object? preference = cmdlet.MyInvocation.BoundParameters.TryGetValue(parameter, out object? bound) ? bound : cmdlet.SessionState.PSVariable.GetValue(variable);
        return preference is ActionPreference action ? action
            : Enum.TryParse(preference?.ToString(), ignoreCase: true, out ActionPreference parsed) ? parsed
            : ActionPreference.Continue;
    }
}
