using PerplexityKeys.Core.Rotation;
using PerplexityKeys.Core.Tests.Support;
using Xunit;

namespace PerplexityKeys.Core.Tests.Rotation;

[Collection("RotationLock")] // RotationLock.Directory is process-wide: not beside the engine tests that take locks
public sealed class RotationLockTests : IDisposable
{
    private readonly TemporaryLockDirectory _locks = new();

    public void Dispose() => _locks.Dispose();

    [Fact]
    public async Task AWriterThatDiedHoldingTheLock_MakesTheNextOneWaitTheWholeCacheWindow()
    {
        var time = new ManualTimeProvider();
        RotationLock? first = await RotationLock.AcquireAsync("Store", TimeSpan.Zero, TimeSpan.Zero, time, CancellationToken.None);
        Assert.NotNull(first);

        // The holder is killed: the OS lets go of its lock, but it never records its last write. Its stamp reads as
        // another process's (a process id that is not this one's).
        string stamp = Directory.GetFiles(_locks.Path, "*.stamp").Single();
        string[] parts = File.ReadAllText(stamp).Split(' ');
        Assert.Equal("open", parts[^1]);   // held: marked open
        File.WriteAllText(stamp, "999999999 " + string.Join(' ', parts.Skip(1)));
        first.Abandon();

        Task<RotationLock?> next = RotationLock.AcquireAsync("Store", TimeSpan.Zero, TimeSpan.FromSeconds(6), time, CancellationToken.None);
        await time.AdvanceToNextTimerAsync(d => d == TimeSpan.FromSeconds(6));
        using RotationLock? taken = await next.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.NotNull(taken);
    }

    [Fact]
    public async Task AWriterThatLetGoCleanly_IsWaitedForOnlyForWhatIsLeftOfTheWindow()
    {
        var time = new ManualTimeProvider();
        using (RotationLock? first = await RotationLock.AcquireAsync("Store", TimeSpan.Zero, TimeSpan.Zero, time, CancellationToken.None))
        {
            Assert.NotNull(first);
        }

        string stamp = Directory.GetFiles(_locks.Path, "*.stamp").Single();
        string[] parts = File.ReadAllText(stamp).Split(' ');
        File.WriteAllText(stamp, "999999999 " + parts[1]);   // as if another process wrote it, 2 s ago
        time.Advance(TimeSpan.FromSeconds(2));

        Task<RotationLock?> next = RotationLock.AcquireAsync("Store", TimeSpan.Zero, TimeSpan.FromSeconds(6), time, CancellationToken.None);
        await time.AdvanceToNextTimerAsync(d => d == TimeSpan.FromSeconds(4));
        using RotationLock? taken = await next.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.NotNull(taken);
    }
}
