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
}
