using PerplexityKeys.Core.Api;

namespace PerplexityKeys;

/// <summary>
/// Write-Progress for a command: items of a batch as they are reached (from the second on: one item needs no bar), and a
/// wait with its time left (a rotation's propagation delay), refreshed while the pipeline thread waits. A Completed
/// record closes what was shown. PowerShell itself keeps it silent when $ProgressPreference says so.
/// </summary>
internal sealed class CommandProgress(Cmdlet cmdlet, string activity)
{
    private const int ActivityId = 1;
    private int _items;
    private bool _shown;
    private (string What, DateTimeOffset Started, DateTimeOffset Until)? _wait;

    /// <summary>On the pipeline thread: the batch has reached another item.</summary>
    public void Item(string status)
    {
        _items++;
        if (_items >= 2)
        {
            Write(new ProgressRecord(ActivityId, activity, $"Item {_items}: {status}"));
        }
    }

    /// <summary>On the pipeline thread: a wait until <paramref name="until"/> begins.</summary>
    public void Wait(string what, DateTimeOffset until)
    {
        _wait = (what, SystemClock.UtcNow, until);
        Tick();
    }

    /// <summary>On the pipeline thread, while it waits: the wait's time left, if one is under way.</summary>
    public void Tick()
    {
        if (_wait is not { } wait)
        {
            return;
        }

        TimeSpan left = wait.Until - SystemClock.UtcNow;
        if (left <= TimeSpan.Zero)
        {
            _wait = null;
            return;
        }

        double total = Math.Max(1, (wait.Until - wait.Started).TotalSeconds);
        Write(new ProgressRecord(ActivityId, activity, $"{wait.What}: {left:hh\\:mm\\:ss} left")
        {
            SecondsRemaining = (int)Math.Ceiling(left.TotalSeconds),
            PercentComplete = (int)Math.Min(99, Math.Max(0, 100 * (1 - (left.TotalSeconds / total)))),
        });
    }

    /// <summary>Closes the bar, if one was shown.</summary>
    public void Complete()
    {
        _wait = null;
        if (_shown)
        {
            _shown = false;
            cmdlet.WriteProgress(new ProgressRecord(ActivityId, activity, "Done") { RecordType = ProgressRecordType.Completed });
        }
    }

    private void Write(ProgressRecord record)
    {
        // Names come from outside: what reaches the terminal is escaped.
        record.StatusDescription = OutsideText.Escape(record.StatusDescription);
        _shown = true;
        cmdlet.WriteProgress(record);
    }
}
