using System.Collections.Concurrent;
using System.Management.Automation.Host;
using System.Threading;

namespace PerplexityKeys;

/// <summary>
/// Whether a vault may ask the user something through <see cref="ForwardingHost"/>. SecretManagement runs every vault in
/// one runspace of its own, made with the host of the first command that used it in the process; when that command was
/// one of this module's, the host is a ForwardingHost of the user's host. A vault call of a command that must never
/// prompt (Get-PplxToken) refuses, for as long as that call runs, every question through a ForwardingHost of its user's
/// host, and the text shown with it: the call ends Stopped, as with nobody at the keyboard, and reads as VaultLocked.
/// Only that call: commands after it, downstream or elsewhere, may prompt. Keyed by the user's host, not by thread: the
/// vault's runspace answers on a thread of its own (and serves one call at a time).
/// </summary>
internal static class HostPrompts
{
    private static readonly ConcurrentDictionary<Guid, Refusals> ByHost = new();

    /// <summary>Refuses prompts to <paramref name="user"/>'s host through the module until the scope is disposed.</summary>
    public static Scope Refuse(PSHost user)
    {
        Refusals refusals = ByHost.GetOrAdd(user.InstanceId, _ => new Refusals());
        Interlocked.Increment(ref refusals.Scopes);
        return new Scope(refusals);
    }

    /// <summary>True while a prompt to this user's host is refused.</summary>
    public static bool Refusing(Guid user) => RefusalsNow(user) is not null;

    /// <summary>Throws as a closed console does when nobody may answer a prompt to this user's host now.</summary>
    public static void ThrowIfRefused(Guid user)
    {
        if (RefusalsNow(user) is { } refusals)
        {
            Interlocked.Increment(ref refusals.Refused);
            throw new PipelineStoppedException();
        }
    }

    private static Refusals? RefusalsNow(Guid user) =>
        ByHost.TryGetValue(user, out Refusals? refusals) && Volatile.Read(ref refusals.Scopes) > 0 ? refusals : null;

    internal sealed class Refusals
    {
        public int Scopes;
        public int Refused;
    }

    /// <summary>One refusing call; <see cref="Refused"/> says whether a question came and was refused during it.</summary>
    internal sealed class Scope : IDisposable
    {
        private readonly Refusals _refusals;
        private readonly int _refusedBefore;
        private int _disposed;

        internal Scope(Refusals refusals)
        {
            _refusals = refusals;
            _refusedBefore = Volatile.Read(ref refusals.Refused);
        }

        /// <summary>True when the vault asked something during this scope (positive evidence that it wanted a password).</summary>
        public bool Refused => Volatile.Read(ref _refusals.Refused) > _refusedBefore;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Interlocked.Decrement(ref _refusals.Scopes);
            }
        }
    }
}
