using System;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace PerplexityKeys.Core.Rotation;

/// <summary>
/// An OS-level lock per (vault, secret) on this machine: a file opened exclusively, released by
/// the OS when the process dies, so a killed run never leaves the secret locked.
/// </summary>
public sealed class RotationLock : IDisposable
{
    private readonly FileStream _file;

    private RotationLock(FileStream file) => _file = file;

    /// <summary>The folder the lock files live in.</summary>
    public static string Directory { get; set; } = Path.Combine(Path.GetTempPath(), "PerplexityKeys", "locks");

    /// <summary>Takes the lock, waiting up to <paramref name="timeout"/>; null when another run still holds it then.</summary>
    public static async Task<RotationLock?> AcquireAsync(string vault, string secretName, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(Directory);
        string path = Path.Combine(Directory, LockName(vault, secretName));
        long start = time.GetTimestamp();
        while (true)
        {
            try
            {
                var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
                return new RotationLock(file);
            }
            catch (IOException) when (time.GetElapsedTime(start) < timeout)
            {
                await time.Delay(TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
            }
            catch (IOException)
            {
                return null;
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _file.Dispose();

    private static string LockName(string vault, string secretName)
    {
        using var sha = SHA256.Create();
        byte[] hash = sha.ComputeHash(Encoding.UTF8.GetBytes(vault.ToUpperInvariant() + "\0" + secretName.ToUpperInvariant()));
        return BitConverter.ToString(hash, 0, 12).Replace("-", string.Empty) + ".lock";
    }
}
