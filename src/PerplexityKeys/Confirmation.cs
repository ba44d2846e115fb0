namespace PerplexityKeys;

/// <summary>
/// Whether a command would ask for confirmation, and whether anybody could answer: a scheduled task or a pipeline step
/// (-NonInteractive, or input that is not a terminal) gets a clear ConfirmationRequired error instead of a prompt.
/// </summary>
internal static class Confirmation
{
    /// <summary>Whether ShouldProcess would ask for a high-impact change: -Confirm, or $ConfirmPreference at High or below.</summary>
    public static bool WouldAskHigh(PSCmdlet cmdlet)
    {
        if (cmdlet.MyInvocation.BoundParameters.TryGetValue("Confirm", out object? confirm))
        {
            return confirm is SwitchParameter s ? s.IsPresent : LanguagePrimitives.IsTrue(confirm);
        }

        object? preference = cmdlet.SessionState.PSVariable.GetValue("ConfirmPreference");
        return preference is ConfirmImpact impact
            ? impact != ConfirmImpact.None && impact <= ConfirmImpact.High
            : !(preference is string text && string.Equals(text, "None", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Whether anybody can answer a prompt: not -NonInteractive, and input from a terminal.</summary>
    public static bool CanPrompt()
    {
        foreach (string argument in Environment.GetCommandLineArgs())
        {
            if (argument.Length >= 5 && "-noninteractive".StartsWith(argument.ToLowerInvariant(), StringComparison.Ordinal) && argument.StartsWith("-noni", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        try
        {
            return !Console.IsInputRedirected;
        }
        catch (System.IO.IOException)
        {
            return false;
        }
    }

    /// <summary>Whether -WhatIf is in force (the switch, or $WhatIfPreference).</summary>
    public static bool IsWhatIf(PSCmdlet cmdlet)
    {
        if (cmdlet.MyInvocation.BoundParameters.TryGetValue("WhatIf", out object? whatIf))
        {
            return whatIf is SwitchParameter s ? s.IsPresent : LanguagePrimitives.IsTrue(whatIf);
        }

        return LanguagePrimitives.IsTrue(cmdlet.GetVariableValue("WhatIfPreference"));
    }
}
