using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;

namespace PerplexityKeys;

/// <summary>
/// Takes records out of the session's $Error that PowerShell added for calls the module made itself (SecretManagement,
/// a -OnNewToken script block). The module reports what they mean in its own, redacted errors: a record left behind
/// could carry a key (a script block that threw with it) or make a script that checks $Error.Count misfire.
/// </summary>
internal static class SessionErrors
{
    public static void Forget(PSCmdlet cmdlet, IEnumerable<ErrorRecord> records)
    {
        if (cmdlet.SessionState.PSVariable.GetValue("Error") is not ArrayList session || session.Count == 0)
        {
            return;
        }

        foreach (ErrorRecord record in records)
        {
            for (int i = session.Count - 1; i >= 0; i--)
            {
                if (ReferenceEquals(session[i], record) || (session[i] is ErrorRecord other && ReferenceEquals(other.Exception, record.Exception)))
                {
                    session.RemoveAt(i);
                }
            }
        }
    }

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
