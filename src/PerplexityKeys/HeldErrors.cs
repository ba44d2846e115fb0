using System.Globalization;
using System.Text;

namespace PerplexityKeys;

/// <summary>
/// The item errors a batch under -ErrorAction Stop holds back, so that every item is attempted before the first
/// failure would end the command; reported together at the end, as one error that lists them all (ItemsFailed).
/// </summary>
internal sealed class HeldErrors
{
    private readonly List<ErrorRecord> _held = [];

    /// <summary>Whether a written error would stop <paramref name="cmdlet"/> (-ErrorAction Stop, or the preference).</summary>
    public static bool StopsOnError(PSCmdlet cmdlet) => ActionPreferences.OnError(cmdlet) == ActionPreference.Stop;

    /// <summary>Holds an item's error back.</summary>
    public void Hold(ErrorRecord record) => _held.Add(record);

    /// <summary>Null when nothing was held; the one error held; or one ItemsFailed error listing them all.</summary>
    public ErrorRecord? Summary(string note) => _held.Count switch
    {
        0 => null,
        1 => _held[0],
        _ => Combined(_held, note),
    };

    /// <summary>A terminating error that also carries the errors held back, so none is lost.</summary>
    public ErrorRecord With(ErrorRecord terminating)
    {
        if (_held.Count == 0)
        {
            return terminating;
        }

        var all = new List<ErrorRecord>(_held) { terminating };
        _held.Clear();
        return Combined(all, "the last one ending the command");
    }

    private static ErrorRecord Combined(List<ErrorRecord> records, string note)
    {
        var lines = new StringBuilder();
        lines.Append(records.Count.ToString(CultureInfo.InvariantCulture)).Append(" items failed, ").Append(note).Append(':');
        foreach (ErrorRecord record in records)
        {
            lines.Append(Environment.NewLine).Append("- ").Append(record.FullyQualifiedErrorId).Append(": ").Append(Shown(record));
        }

        return new ErrorRecord(new PplxBatchException(lines.ToString(), records.ToArray()), ErrorIds.ItemsFailed, ErrorCategory.NotSpecified, null);
    }

    /// <summary>The message PowerShell shows for a record: its ErrorDetails' (with the advice), else its exception's.</summary>
    internal static string Shown(ErrorRecord record) => record.ErrorDetails?.Message is { Length: > 0 } shown ? shown : record.Exception.Message;
}
