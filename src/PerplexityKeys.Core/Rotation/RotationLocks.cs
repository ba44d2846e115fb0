using System.Collections.Generic;
using System.Threading;

namespace PerplexityKeys.Core.Rotation;

/// <summary>
/// The vault locks of one command whose rotations run at once (Invoke-PplxRotation -ThrottleLimit). The lock is one
/// writer per vault across processes (<see cref="RotationLock"/>); inside one process the writer is the command, whose
/// vault calls are made one at a time on its pipeline thread into the one cache the process keeps. So its rotations of
/// one vault share one lock: the first to enter takes it (waiting for another process to let go, then for the vault's
/// cache window), the others that enter while it is taken or held join it without waiting again, and the last to leave
/// lets go. Rotations of other vaults take locks of their own. One rotation at a time (the default) takes and lets go
/// of the lock for each rotation, as a lone rotation does. The rotations of one command share its cancellation token:
/// the taking is cancelled by the token of the rotation that started it.
/// </summary>
public sealed class RotationLocks
{
    private readonly object _gate = new();
    private readonly Dictionary<string, Share> _shares = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Enters the vault's lock: takes it, or joins this command's hold on it. Null when another process still held it
    /// at <paramref name="timeout"/>. Dispose the entry when the rotation is over; the last entry's dispose lets go.
    /// </summary>
    /// <exception cref="Vault.PplxVaultTimeoutException">A call to the vault that this process abandoned is still running.</exception>
    public async Task<IDisposable?> EnterAsync(string vault, TimeSpan timeout, TimeSpan cacheWindow, TimeProvider time, CancellationToken cancellationToken)
    {
        Share share;
        lock (_gate)
        {
            if (!_shares.TryGetValue(vault, out share!))
            {
                share = new Share(RotationLock.AcquireAsync(vault, timeout, cacheWindow, time, cancellationToken));
                _shares[vault] = share;
            }

            share.Entries++;
        }

        RotationLock? held = null;
        try
        {
            held = await share.Taking.ConfigureAwait(false);
        }
        finally
        {
            if (held is null)
            {
                Leave(vault, share);
            }
        }

        return held is null ? null : new Entry(this, vault, share);
    }

    /// <summary>How many vaults this command holds a lock on now (for tests).</summary>
    internal int Held
    {
        get
        {
            lock (_gate)
            {
                return _shares.Count;
            }
        }
    }

    private void Leave(string vault, Share share)
    {
        lock (_gate)
        {
            // A taking that failed is forgotten at once, so the next rotation tries afresh instead of joining a failure.
            bool failed = share.Taking.Status != TaskStatus.RanToCompletion || share.Taking.Result is null;
            share.Entries--;
            if ((share.Entries == 0 || failed) && _shares.TryGetValue(vault, out Share? current) && ReferenceEquals(current, share))
            {
                _shares.Remove(vault);
            }

            if (share.Entries == 0 && !failed)
            {
                // Under the gate: a rotation entering right after finds the lock free, not still held by this command.
                share.Taking.Result!.Dispose();
            }
        }
    }

    private sealed class Share(Task<RotationLock?> taking)
    {
        public Task<RotationLock?> Taking { get; } = taking;

        public int Entries { get; set; }
    }

    private sealed class Entry(RotationLocks owner, string vault, Share share) : IDisposable
    {
        private int _left;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _left, 1) == 0)
            {
                owner.Leave(vault, share);
            }
        }
    }
}
