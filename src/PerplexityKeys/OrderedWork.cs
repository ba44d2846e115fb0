using System.Threading;
using System.Threading.Tasks;

namespace PerplexityKeys;

/// <summary>
/// -ThrottleLimit: up to a limit of items run at once off the pipeline thread (their HTTP calls overlap), while the
/// pipeline thread serves what they post (verbose lines, vault calls: one at a time, in the order posted; an item makes vault calls only through it, PipelineVault) and hands each
/// result on in input order as soon as it and every earlier one are done. With a limit of 1 an item runs alone, as a
/// plain Run does. Ctrl+C cancels every item in flight, and so does a failure of the pipeline thread's own work (a
/// downstream command that stopped the pipeline): every item in flight is then waited for, and told it was stopped.
/// </summary>
internal sealed class OrderedWork<T> : IDisposable
{
    private readonly Queue<Item> _inFlight = new();
    private readonly PipelineDispatcher _dispatcher;
    private readonly int _limit;
    private readonly CancellationTokenSource _cancel;

    public OrderedWork(PipelineDispatcher dispatcher, int limit, CancellationToken stop)
    {
        _dispatcher = dispatcher;
        _limit = limit;
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(stop);
    }

    /// <summary>The dispatcher the items post to.</summary>
    public PipelineDispatcher Dispatcher => _dispatcher;

    /// <summary>
    /// On the pipeline thread: starts <paramref name="work"/>, after handing on the oldest items while the limit is reached.
    /// <paramref name="stopped"/> runs instead, on the pipeline thread once the item's work has ended (cancelled, or ended
    /// before it could be handed on), when the command stops.
    /// </summary>
    public void Start(Func<PipelineDispatcher, CancellationToken, Task<T>> work, Action<T> done, Action<Exception> failed, Action<Task<T>>? stopped = null)
    {
        while (_inFlight.Count >= _limit)
        {
            HandOnOldest();
        }

        CancellationToken token = _cancel.Token;
        _inFlight.Enqueue(new Item(Task.Run(() => work(_dispatcher, token), token), done, failed, stopped));

        // Results stream on: one item at a time is handed on at once (as a plain Run), and any finished head at once too.
        while (_inFlight.Count > 0 && (_limit == 1 || _inFlight.Peek().Work.IsCompleted))
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

    /// <summary>
    /// On the pipeline thread, as the command is disposed: items still in flight (the pipeline stopped while its thread was
    /// elsewhere, upstream or in a vault call of its own) are stopped as Ctrl+C stops them, and told so.
    /// </summary>
    public void Abandon()
    {
        if (_inFlight.Count > 0)
        {
            StopAll();
        }
    }

    public void Dispose()
    {
        _dispatcher.Dispose();
        _cancel.Dispose();
    }

    private void HandOnOldest()
    {
        // The item stays in flight until it is handed on, so that a stop meanwhile still finds it.
        Item item = _inFlight.Peek();
        T result;
        try
        {
            _dispatcher.Pump(item.Work);
            result = item.Work.GetAwaiter().GetResult();
        }
        catch (PplxException e)
        {
            _inFlight.Dequeue();
            HandOn(() => item.Failed(e));
            return;
        }
        catch (Exception e) when (_cancel.IsCancellationRequested && e is OperationCanceledException or PipelineStoppedException)
        {
            StopAll();
            throw new PipelineStoppedException();
        }
        catch
        {
            StopAll();
            throw;
        }

        _inFlight.Dequeue();
        HandOn(() => item.Done(result));
    }

    private void HandOn(Action write)
    {
        try
        {
            write();
        }
        catch
        {
            StopAll();
            throw;
        }
    }

    /// <summary>
    /// Cancels every item in flight, lets none wait for the pipeline thread any more, waits for each to end, and tells each
    /// it was stopped; a handler that fails does not keep the others from being told (the first failure is thrown after).
    /// </summary>
    private void StopAll()
    {
        _cancel.Cancel();
        _dispatcher.Close();
        Exception? first = null;
        while (_inFlight.Count > 0)
        {
            Item item = _inFlight.Dequeue();
            ((IAsyncResult)item.Work).AsyncWaitHandle.WaitOne();
            try
            {
                item.Stopped?.Invoke(item.Work);
            }
            catch (Exception e)
            {
                first ??= e;
            }
        }

        if (first is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(first).Throw();
        }
    }

    private sealed class Item(Task<T> work, Action<T> done, Action<Exception> failed, Action<Task<T>>? stopped)
    {
        public Task<T> Work { get; } = work;

        public Action<T> Done { get; } = done;

        public Action<Exception> Failed { get; } = failed;

        public Action<Task<T>>? Stopped { get; } = stopped;
    }
}
