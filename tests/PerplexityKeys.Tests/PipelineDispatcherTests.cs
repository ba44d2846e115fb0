using System.Management.Automation;
using Xunit;

namespace PerplexityKeys.Tests;

public sealed class PipelineDispatcherTests
{
    [Fact]
    public void WorkFromAnotherThread_RunsOnTheThreadThatDrains_AndItsResultComesBack()
    {
        var verbose = new List<(string Text, int Thread)>();
        using var dispatcher = new PipelineDispatcher(text => verbose.Add((text, Environment.CurrentManagedThreadId)));
        int pipelineThread = Environment.CurrentManagedThreadId;

        Task<int> work = Task.Run(async () =>
        {
            dispatcher.Verbose("from the worker");
            return await dispatcher.InvokeAsync(() => Environment.CurrentManagedThreadId);
        });
        int ranOn = dispatcher.Drain(work);

        Assert.Equal(pipelineThread, ranOn);
        Assert.Equal([("from the worker", pipelineThread)], verbose);
    }

    [Fact]
    public void AFailureOfTheWork_ReachesTheCaller_AndTheDrainEnds()
    {
        using var dispatcher = new PipelineDispatcher(_ => { });

        Task<int> work = Task.Run(async () => await dispatcher.InvokeAsync<int>(() => throw new InvalidOperationException("vault failed")));

        var error = Assert.Throws<InvalidOperationException>(() => dispatcher.Drain(work));
        Assert.Equal("vault failed", error.Message);
    }

    [Fact]
    public async Task WorkAlreadyOnThePipelineThread_RunsInline()
    {
        using var dispatcher = new PipelineDispatcher(_ => { });

        Task<int> inline = dispatcher.InvokeAsync(() => 42);

        Assert.True(inline.IsCompletedSuccessfully);
        Assert.Equal(42, await inline);
    }

    [Fact]
    public async Task WhenThePipelineStopsMidWay_ACallStillWaitingForIt_IsCancelledAsNeverStarted_NotLeftWaiting()
    {
        // Ctrl+C: the pipeline thread's own work (a verbose line) throws PipelineStoppedException and the pump ends,
        // while the work goes on and asks for a vault call. That call must end, or the rotation would hold its lock.
        using var dispatcher = new PipelineDispatcher(_ => throw new PipelineStoppedException());
        var asked = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        Task<int> vaultCall = null!;
        Task<int> work = Task.Run(async () =>
        {
            dispatcher.Verbose("stopping");
            await release.Task;
            vaultCall = dispatcher.InvokeAsync(() => 1);
            asked.SetResult();
            return await vaultCall;
        });

        Assert.Throws<PipelineStoppedException>(() => dispatcher.Drain(work));
        release.SetResult();
        await asked.Task;

        await Assert.ThrowsAsync<PerplexityKeys.Core.Vault.VaultCallNotStartedException>(() => vaultCall); // it never ran, and says so
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => work);
    }

    [Fact]
    public async Task ACallQueuedBeforeThePipelineStopped_StillRuns_InItsTurn()
    {
        using var dispatcher = new PipelineDispatcher(_ => throw new PipelineStoppedException());
        // Posted from a thread of its own: a pool thread could be this one, the dispatcher's pipeline thread, where a
        // post runs inline (the verbose line would then throw before anything was queued, and the test would wait for ever).
        Task<int> call = null!;
        var poster = new Thread(() =>
        {
            call = dispatcher.InvokeAsync(() => 1);   // queued behind nothing yet
            dispatcher.Verbose("stopping");           // queued after it
        });
        poster.Start();
        poster.Join();
        Task<int> work = Task.Run(() => call);
        // The call runs first (it was queued first), then the verbose line stops the pump.
        Assert.Throws<PipelineStoppedException>(() => dispatcher.Drain(work));
        Assert.Equal(1, await call);
    }
}
