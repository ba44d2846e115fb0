using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace PerplexityKeys.Core.Tests.Support;

/// <summary>
/// Fake time that reports every timer armed on it (at creation or by Change, as
/// CancellationTokenSource does), so a test can advance the clock exactly when the code under
/// test starts waiting (a retry delay, a timeout) instead of sleeping.
/// </summary>
public sealed class ManualTimeProvider : FakeTimeProvider
{
    private readonly Channel<TimeSpan> _armed = Channel.CreateUnbounded<TimeSpan>();

    public ManualTimeProvider()
        : base(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero))
    {
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ReportingTimer(base.CreateTimer(callback, state, dueTime, period), _armed.Writer);
        timer.Report(dueTime);
        return timer;
    }

    /// <summary>Waits until a timer whose due time matches is armed, then advances the clock by it.</summary>
    public async Task<TimeSpan> AdvanceToNextTimerAsync(Func<TimeSpan, bool> match, TimeSpan? wait = null)
    {
        using var cts = new CancellationTokenSource(wait ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            TimeSpan due = await _armed.Reader.ReadAsync(cts.Token);
            if (due > TimeSpan.Zero && match(due))
            {
                Advance(due);
                return due;
            }
        }
    }

    /// <summary>Waits until <paramref name="count"/> timers whose due time matches are armed (the clock does not move).</summary>
    public async Task WaitForTimersAsync(Func<TimeSpan, bool> match, int count, TimeSpan? wait = null)
    {
        using var cts = new CancellationTokenSource(wait ?? TimeSpan.FromSeconds(20));
        for (int seen = 0; seen < count;)
        {
            TimeSpan due = await _armed.Reader.ReadAsync(cts.Token);
            if (due > TimeSpan.Zero && match(due))
            {
                seen++;
            }
        }
    }

    private sealed class ReportingTimer(ITimer inner, ChannelWriter<TimeSpan> armed) : ITimer
    {
        public void Report(TimeSpan due)
        {
            if (due > TimeSpan.Zero)
            {
                armed.TryWrite(due);
            }
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            bool changed = inner.Change(dueTime, period);
            Report(dueTime);
            return changed;
        }

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
