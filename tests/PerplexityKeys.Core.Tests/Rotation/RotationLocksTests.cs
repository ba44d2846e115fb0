using PerplexityKeys.Core.Model;
using PerplexityKeys.Core.Rotation;
using PerplexityKeys.Core.Tests.Support;
using Xunit;

namespace PerplexityKeys.Core.Tests.Rotation;

// One command's rotations that run at once share its lock on a vault. Another RotationLock.AcquireAsync in this process
// stands for another process: the lock file is opened exclusively, so a second open conflicts within one process too.
[Collection("RotationLock")]
public sealed class RotationLocksTests : IDisposable
{
    private readonly TemporaryLockDirectory _folder = new();
    private readonly ManualTimeProvider _time = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task RotationsOfOneVault_ShareOneLock_HeldAgainstOthersUntilTheLastLeaves()
    {
        var locks = new RotationLocks();

        IDisposable? first = await locks.EnterAsync("Prod", TimeSpan.Zero, TimeSpan.Zero, _time, CancellationToken.None);
        IDisposable? second = await locks.EnterAsync("Prod", TimeSpan.Zero, TimeSpan.Zero, _time, CancellationToken.None);

        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.Null(await OtherProcessTakesAsync("Prod"));
        first!.Dispose();
        Assert.Null(await OtherProcessTakesAsync("Prod"));
        second!.Dispose();
        using RotationLock? afterwards = await OtherProcessTakesAsync("Prod");
        Assert.NotNull(afterwards);
        Assert.Equal(0, locks.Held);
    }

    [Fact]
    public async Task RotationsThatJoin_WaitForTheCacheWindowOnce_WithTheFirst_AndNotAgainOnceHeld()
    {
        var locks = new RotationLocks();
        AnotherProcessWroteSecondsAgo("Store", 2);
        TimeSpan window = TimeSpan.FromSeconds(6);

        Task<IDisposable?> first = locks.EnterAsync("Store", TimeSpan.Zero, window, _time, CancellationToken.None);
        await _time.WaitForTimersAsync(d => d == TimeSpan.FromSeconds(4), 1);
        Task<IDisposable?> joining = locks.EnterAsync("Store", TimeSpan.Zero, window, _time, CancellationToken.None);
        Assert.False(joining.IsCompleted);   // it waits with the first, for what is left of the window
        _time.Advance(TimeSpan.FromSeconds(4));
        using IDisposable? a = await first.WaitAsync(TimeSpan.FromSeconds(20));
        using IDisposable? b = await joining.WaitAsync(TimeSpan.FromSeconds(20));

        // Once held, another rotation joins at once: no timer is armed, the clock does not move.
        using IDisposable? c = await locks.EnterAsync("Store", TimeSpan.Zero, window, _time, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.NotNull(a);
        Assert.NotNull(b);
        Assert.NotNull(c);
        Assert.Equal(1, locks.Held);
    }

    [Fact]
    public async Task RotationsOfAnotherVault_TakeALockOfTheirOwn()
    {
        var locks = new RotationLocks();

        using IDisposable? prod = await locks.EnterAsync("Prod", TimeSpan.Zero, TimeSpan.Zero, _time, CancellationToken.None);
        using IDisposable? backup = await locks.EnterAsync("Backup", TimeSpan.Zero, TimeSpan.Zero, _time, CancellationToken.None);

        Assert.Equal(2, locks.Held);
        Assert.Null(await OtherProcessTakesAsync("Prod"));
        Assert.Null(await OtherProcessTakesAsync("Backup"));
        Assert.Equal(2, Directory.GetFiles(_folder.Path, "*.lock").Length);
    }

    [Fact]
    public async Task ALockAnotherProcessHeld_IsTriedAfreshByTheNextRotation_NotRememberedAsFailed()
    {
        var locks = new RotationLocks();
        RotationLock? other = await OtherProcessTakesAsync("Prod");
        Assert.NotNull(other);

        IDisposable? refused = await locks.EnterAsync("Prod", TimeSpan.Zero, TimeSpan.Zero, _time, CancellationToken.None);
        Assert.Null(refused);
        Assert.Equal(0, locks.Held);
        other!.Dispose();

        using IDisposable? taken = await locks.EnterAsync("Prod", TimeSpan.Zero, TimeSpan.Zero, _time, CancellationToken.None);
        Assert.NotNull(taken);
    }

    [Fact]
    public async Task OneRotationAtATime_TakesAndLetsGoOfTheLockForEach()
    {
        var locks = new RotationLocks();

        using (IDisposable? one = await locks.EnterAsync("Prod", TimeSpan.Zero, TimeSpan.Zero, _time, CancellationToken.None))
        {
            Assert.NotNull(one);
        }

        Assert.Equal(0, locks.Held);
        using RotationLock? between = await OtherProcessTakesAsync("Prod");
        Assert.NotNull(between);
    }

    [Fact]
    public async Task LeavingTwice_LetsGoOnlyOnce()
    {
        var locks = new RotationLocks();
        IDisposable? first = await locks.EnterAsync("Prod", TimeSpan.Zero, TimeSpan.Zero, _time, CancellationToken.None);
        using IDisposable? second = await locks.EnterAsync("Prod", TimeSpan.Zero, TimeSpan.Zero, _time, CancellationToken.None);

        first!.Dispose();
        first.Dispose();

        Assert.Equal(1, locks.Held);
        Assert.Null(await OtherProcessTakesAsync("Prod"));
    }

    [Fact]
    public async Task AnEngineOfTheSameCommand_JoinsTheLockItsSiblingHolds_AndLeavesItHeldForTheSibling()
    {
        await using var rig = await EmulatorRig.StartAsync();
        var vault = new InMemoryVault("Prod");
        ApiKey old = await rig.NewKeyAsync("svc-original");
        await vault.SetKeyAsync("svc", old, CancellationToken.None);
        var locks = new RotationLocks();
        using IDisposable? sibling = await locks.EnterAsync("Prod", TimeSpan.Zero, TimeSpan.Zero, rig.Time, CancellationToken.None);
        var engine = new RotationEngine(rig.Client, vault, rig.Time) { LockTimeout = TimeSpan.Zero, Locks = locks };

        RotationResult result = await engine.RunAsync(new RotationRequest { SecretName = "svc" }, CancellationToken.None);

        Assert.Equal(RotationState.Done, result.State);
        Assert.True(rig.KeyByFingerprint(old.Fingerprint)!.Revoked);
        Assert.Equal(1, locks.Held);
        Assert.Null(await OtherProcessTakesAsync("Prod"));
    }

    private Task<RotationLock?> OtherProcessTakesAsync(string vault) =>
        RotationLock.AcquireAsync(vault, TimeSpan.Zero, TimeSpan.Zero, _time, CancellationToken.None);

    private void AnotherProcessWroteSecondsAgo(string vault, int seconds)
    {
        // A clean hold and release by "another process": its stamp, rewritten with a foreign process id.
        RotationLock? theirs = RotationLock.AcquireAsync(vault, TimeSpan.Zero, TimeSpan.Zero, _time, CancellationToken.None).GetAwaiter().GetResult();
        theirs!.Dispose();
        string stamp = Directory.GetFiles(_folder.Path, "*.stamp").Single();
        File.WriteAllText(stamp, "999999999 " + File.ReadAllText(stamp).Split(' ')[1]);
        _time.Advance(TimeSpan.FromSeconds(seconds));
    }
}
