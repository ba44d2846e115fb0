using System.Threading;
using System.Threading.Tasks;

namespace PerplexityKeys;

/// <summary>
/// -ThrottleLimit: up to a limit of items run at once off the pipeline thread (their HTTP calls overlap), while the
/// pipeline thread serves what they post (verbose lines) and hands each result on in input order as soon as it and
/// every earlier one are done. With a limit of 1 an item runs alone, as a plain Run does. Ctrl+C cancels every item
/// in flight. Vault calls stay on the pipeline thread: an item makes them only through the dispatcher (PipelineVault), which
/// the pipeline thread serves, one call at a time, while it waits for the oldest item.
/// </summary>
internal sealed class OrderedWork<T>(PipelineDispatcher dispatcher, int limit, CancellationToken stop) : IDisposable
{
    private readonly Queue<(Task<T> Work, Action<T> Done, Action<Exception> Failed)> _inFlight = new();

    /// <summary>On the pipeline thread: starts <paramref name="work"/>, after handing on the oldest items while the limit is reached.</summary>
    public void Start(Func<PipelineDispatcher, CancellationToken, Task<T>> work, Action<T> done, Action<Exception> failed)
    {
        while (_inFlight.Count >= limit)
        {
            HandOnOldest();
        }

        _inFlight.Enqueue((Task.Run(() => work(dispatcher, stop), stop), done, failed));

        // Results stream on: one item at a time is handed on at once (as a plain Run), and any finished head at once too.
        while (_inFlight.Count > 0 && (limit == 1 || _inFlight.Peek().Work.IsCompleted))
        {
            HandOnOldest();
        }
    }

    /// <summary>On the pipeline thread: hands on every item still in flight, in order.</summary>
    public void Finish()
    {
        while (_inFlight.Count > 0)
        {
            HandOnOldest();
        }
    }

    public void Dispose() => dispatcher.Dispose();

    private void HandOnOldest()
    {
        (Task<T> work, Action<T> done, Action<Exception> failed) = _inFlight.Dequeue();
        dispatcher.Pump(work);
        T result;
        try
        {
            result = work.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (PplxException e)
        {
            failed(e);
            return;
        }

        done(result);
    }
}
