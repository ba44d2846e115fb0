using System.Collections;

namespace PerplexityKeys;

/// <summary>
/// Takes records out of the session's $Error that PowerShell added for a call the module made itself (a -OnNewToken
/// script block; SecretManagement's calls run in the module's own runspaces and leave nothing there). The module reports what they mean in its own, redacted errors: a record left behind
/// could carry a key (a script block that threw with it) or make a script that checks $Error.Count misfire.
/// </summary>
internal static class SessionErrors
{
    /// <summary>The number of records in $Error now, to pass to <see cref="ForgetSince"/>.</summary>
    public static int Count(PSCmdlet cmdlet) => cmdlet.SessionState.PSVariable.GetValue("Error") is ArrayList session ? session.Count : 0;

    /// <summary>Takes out every record PowerShell added to $Error (newest first) since it held <paramref name="count"/>.</summary>
    public static void ForgetSince(PSCmdlet cmdlet, int count)
    {
        if (cmdlet.SessionState.PSVariable.GetValue("Error") is ArrayList session)
        {
            for (int added = session.Count - count; added > 0 && session.Count > 0; added--)
            {
                session.RemoveAt(0);
            }
        }
    }
}
