using System.Linq;
using PerplexityKeys.Core.Api;
using PerplexityKeys.Core.Rotation;

namespace PerplexityKeys;

/// <summary>
/// The audit trail: JSON lines (RotationAudit) appended to the log a command was given, each with the user, the machine
/// and the command; a log that cannot be written is a warning, never a failure of the change it records.
/// </summary>
internal static class AuditTrail
{
    /// <summary>Appends <paramref name="entries"/> to <paramref name="log"/> (nothing when no log is set).</summary>
    public static void Write(PplxCmdlet cmdlet, string? log, IEnumerable<AuditEntry> entries)
    {
        if (string.IsNullOrEmpty(log))
        {
            return;
        }

        try
        {
            string path = cmdlet.GetUnresolvedProviderPathFromPSPath(log);
            string user = Environment.UserName, machine = Environment.MachineName;
            string command = cmdlet.MyInvocation.MyCommand.Name;
            RotationAudit.Append(path, entries.Select(entry => RotationAudit.Line(entry with { Command = entry.Command ?? command }, user, machine)));
        }
        catch (Exception e) when (e is System.IO.IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException or ItemNotFoundException)
        {
            cmdlet.WriteWarning(OutsideText.Escape($"The audit log '{log}' could not be written: {e.Message}"));
        }
    }
}
