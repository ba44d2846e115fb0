using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;
using PerplexityKeys.Core.Api;

namespace PerplexityKeys;

/// <summary>
/// Brings work from async code back to the cmdlet's pipeline thread, the only thread that may
/// write to the pipeline or call other commands (SecretManagement). Work already on that thread
/// runs inline; work from elsewhere is queued and run by <see cref="Drain"/>.
/// </summary>
internal sealed class PipelineDispatcher : IPplxCallObserver, IDisposable
{
    private readonly BlockingCollection<Action> _queue = new();
    private readonly int _pipelineThread = Environment.CurrentManagedThreadId;
    private readonly Action<string> _verbose;

    public PipelineDispatcher(Action<string> verbose) => _verbose = verbose;

    /// <summary>Runs <paramref name="work"/> on the pipeline thread and returns its result.</summary>
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
        Post(() =>
        {
            try
            {
                done.SetResult(work());
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        });
        return done.Task;
    }

    /// <summary>Writes a verbose message from any thread.</summary>
    public void Verbose(string message) => Post(() => _verbose(message));

    /// <inheritdoc />
    public void OnRetry(PplxRetryNotice notice) =>
        Verbose($"{notice.Operation}: {notice.Reason}; retry {notice.Attempt + 1} in {notice.Delay.TotalSeconds:0.##} s.");

    /// <summary>On the pipeline thread: runs queued work until <paramref name="task"/> ends, then returns its result.</summary>
    public T Drain<T>(Task<T> task)
    {
        task.ContinueWith(_ => _queue.CompleteAdding(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        foreach (Action action in _queue.GetConsumingEnumerable())
        {
            action();
        }

        return task.GetAwaiter().GetResult();
    }

    /// <inheritdoc />
    public void Dispose() => _queue.Dispose();

    private void Post(Action action)
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
        catch (InvalidOperationException)
        {
            // The work is over and the pump has closed; a late message is dropped.
        }
    }
}
