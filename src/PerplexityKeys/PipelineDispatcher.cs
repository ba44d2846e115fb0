using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;
using PerplexityKeys.Core.Api;
using PerplexityKeys.Core.Vault;

namespace PerplexityKeys;

/// <summary>
/// Brings work from async code back to the cmdlet's pipeline thread, the only thread that may
/// write to the pipeline or call other commands (SecretManagement). Work already on that thread
/// runs inline; work from elsewhere is queued and run by <see cref="Drain"/> or <see cref="Pump"/>.
/// Once the pump has stopped (the work ended, or the pipeline was stopped mid-way), a call still waiting for the
/// pipeline thread is cancelled, never left waiting: a rotation waiting for a vault call must end and let go of its lock.
/// Such a call never ran, and says so (<see cref="VaultCallNotStartedException"/>).
/// </summary>
internal sealed class PipelineDispatcher : IPplxCallObserver, IDisposable
{
    private static readonly TimeSpan IdleInterval = TimeSpan.FromSeconds(1);
    private readonly BlockingCollection<Action> _queue = new();
    private readonly ConcurrentDictionary<object, Action> _waiting = new();
    private readonly int _pipelineThread = Environment.CurrentManagedThreadId;
    private readonly Action<string> _verbose;
    private volatile bool _closed;

    public PipelineDispatcher(Action<string> verbose) => _verbose = verbose;

    /// <summary>Runs on the pipeline thread about once a second while it waits with nothing queued (progress of a wait).</summary>
    public Action? Idle { get; set; }

    /// <summary>Runs <paramref name="work"/> on the pipeline thread and returns its result (cancelled if the pump has stopped).</summary>
    public Task<T> InvokeAsync<T>(Func<T> work)
    {
        if (Environment.CurrentManagedThreadId == _pipelineThread)
        {
            try
            {
                return Task.FromResult(work());
            }
            catch (Exception e)
            {
                return Task.FromException<T>(e);
            }
        }

        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        object ticket = new();
        _waiting[ticket] = () => done.TrySetException(new VaultCallNotStartedException()); // never ran: the ticket is taken by one side only
        Enqueue(() =>
        {
            if (!_waiting.TryRemove(ticket, out _))
            {
                return; // already cancelled
            }

            try
            {
                done.SetResult(work());
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        });
        if (_closed)
        {
            CancelWaiting();
        }

        return done.Task;
    }

    /// <summary>Runs <paramref name="action"/> on the pipeline thread, without waiting for it.</summary>
    public void Post(Action action) => Enqueue(action);

    /// <summary>Writes a verbose message from any thread.</summary>
    public void Verbose(string message) => Enqueue(() => _verbose(message));

    /// <inheritdoc />
    public void OnRetry(PplxRetryNotice notice) =>
        Verbose($"{notice.Operation}: {notice.Reason}; retry {notice.Attempt + 1} in {notice.Delay.TotalSeconds:0.##} s.");

    /// <summary>On the pipeline thread: runs queued work until <paramref name="task"/> ends, then returns its result.</summary>
    public T Drain<T>(Task<T> task)
    {
        task.ContinueWith(_ => _queue.CompleteAdding(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        try
        {
            while (!_queue.IsCompleted)
            {
                if (_queue.TryTake(out Action? action, IdleInterval))
                {
                    action();
                }
                else
                {
                    Idle?.Invoke();
                }
            }
        }
        finally
        {
            Close();
        }

        return task.GetAwaiter().GetResult();
    }

    /// <summary>
    /// On the pipeline thread: runs queued work until <paramref name="task"/> ends, and keeps the queue open for more work
    /// (a dispatcher shared by several items in flight, <see cref="OrderedWork{T}"/>). A failure of the pipeline thread's
    /// own work (the pipeline stopped) closes the dispatcher.
    /// </summary>
    public void Pump(Task task)
    {
        // The task's end posts a no-op, so the wait below wakes for it as for any other work.
        task.ContinueWith(_ => Enqueue(static () => { }), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        try
        {
            while (!task.IsCompleted)
            {
                if (_queue.TryTake(out Action? action, IdleInterval))
                {
                    action();
                }
                else
                {
                    Idle?.Invoke();
                }
            }

            while (_queue.TryTake(out Action? late))
            {
                late();
            }
        }
        catch
        {
            Close();
            throw;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Close();
        _queue.Dispose();
    }

    /// <summary>Stops serving: a call that waits for the pipeline thread now, or asks for it later, is cancelled.</summary>
    public void Close()
    {
        _closed = true;
        CancelWaiting();
    }

    private void CancelWaiting()
    {
        foreach (object ticket in _waiting.Keys)
        {
            if (_waiting.TryRemove(ticket, out Action? cancel))
            {
                cancel();
            }
        }
    }

    private void Enqueue(Action action)
    {
        if (Environment.CurrentManagedThreadId == _pipelineThread)
        {
            action();
            return;
        }

        try
        {
            _queue.Add(action);
        }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException)
        {
            // The pump has closed: a late message is dropped, and a call that waits is cancelled.
            CancelWaiting();
        }
    }
}
