using System.Collections.Concurrent;
using System.Threading;
using System.Management.Automation.Host;

namespace PerplexityKeys;

/// <summary>
/// Whether a vault may ask the user something through <see cref="ForwardingHost"/>. SecretManagement runs every vault in
/// one runspace of its own, made with the host of the first command that used it in the process; when that command was
/// one of this module's, the host is a ForwardingHost of the user's host, and a command that must never prompt
/// (Get-PplxToken) refuses, while it runs, every prompt made through a ForwardingHost of its own user's host: the vault
/// call then ends Stopped, as with nobody at the keyboard, and reads as VaultLocked. Commands that may prompt are
/// untouched. Keyed by the user's host, not by thread: the vault's runspace answers on a thread of its own.
/// </summary>
internal static class HostPrompts
{
    private static readonly ConcurrentDictionary<Guid, int> Refusing = new();

    /// <summary>Refuses prompts to <paramref name="user"/>'s host through the module until the scope is disposed.</summary>
    public static IDisposable Refuse(PSHost user)
    {
        Guid id = user.InstanceId;
        Refusing.AddOrUpdate(id, 1, (_, n) => n + 1);
        return new Scope(id);
    }

    /// <summary>Throws as a closed console does when nobody may answer a prompt to this user's host now.</summary>
    public static void ThrowIfRefused(Guid user)
    {
        if (Refusing.TryGetValue(user, out int scopes) && scopes > 0)
        {
            throw new PipelineStoppedException();
        }
    }

    private sealed class Scope(Guid id) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Refusing.AddOrUpdate(id, 0, (_, n) => n - 1);
            }
        }
    }
}
