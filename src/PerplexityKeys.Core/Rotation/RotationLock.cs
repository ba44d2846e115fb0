using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using PerplexityKeys.Core.Vault;

namespace PerplexityKeys.Core.Rotation;

/// <summary>
/// One writer per vault on this machine, across processes and accounts. A vault such as SecretStore keeps its whole
/// store cached in each process and rewrites the whole file on every write, so two writers of one store lose each
/// other's writes even for different secrets: the lock is keyed by vault, not by secret. It is a file opened
/// exclusively in a folder every account shares (the OS releases it when the process dies), and a writer starts only
/// once another process's last write to the vault is older than the vault's cache window.
/// </summary>
public sealed class RotationLock : IDisposable
{
    private readonly FileStream _file;
    private readonly string _stampPath;
    private readonly TimeProvider _time;
    private readonly string _vault;

    private RotationLock(FileStream file, string stampPath, TimeProvider time, string vault)
    {
        _file = file;
        _stampPath = stampPath;
        _time = time;
        _vault = vault;
    }

    /// <summary>
    /// The folder the lock files live in: one folder for every account of the machine (%ProgramData% on Windows,
    /// the system temp folder on Linux and macOS, made world-writable and sticky like /tmp itself), or
    /// $env:PERPLEXITYKEYS_LOCK_DIRECTORY when set.
    /// </summary>
    public static string Directory { get; set; } = DefaultDirectory();

    /// <summary>
    /// Takes the vault's lock, waiting up to <paramref name="timeout"/> for another run to let go, then waits until
    /// <paramref name="cacheWindow"/> has passed since another process last wrote the vault. Null when another run
    /// still holds the lock at the timeout.
    /// </summary>
    /// <exception cref="PplxVaultTimeoutException">A call to the vault that this process abandoned is still running.</exception>
    public static async Task<RotationLock?> AcquireAsync(string vault, TimeSpan timeout, TimeSpan cacheWindow, TimeProvider time, CancellationToken cancellationToken)
    {
        if (OutstandingVaultCalls.AnyRunning() is { } running)
        {
            throw PplxVaultTimeoutException.StillRunning(vault, null, running);
        }

        EnsureSharedDirectory(Directory);
        string name = LockName(vault);
        string path = Path.Combine(Directory, name + ".lock");
        long start = time.GetTimestamp();
        FileStream? file = null;
        while (file is null)
        {
            try
            {
                // Read access is enough to hold the lock, and lets every account open a file another account created.
                file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Read, FileShare.None, 1, FileOptions.None);
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

        var held = new RotationLock(file, Path.Combine(Directory, name + "." + Account() + ".stamp"), time, vault);
        try
        {
            TimeSpan wait = cacheWindow - (time.GetUtcNow() - LastWriteByAnotherProcess(name, time));
            if (cacheWindow > TimeSpan.Zero && wait > TimeSpan.Zero)
            {
                await time.Delay(wait, cancellationToken).ConfigureAwait(false);
            }

            // Marked open until let go: a writer killed while it holds the lock never records its last write, and the
            // next one then counts that write as just now.
            held.Stamp(open: true);
        }
        catch
        {
            held.Dispose();
            throw;
        }

        return held;
    }

    /// <summary>
    /// Records this process's last write to the vault (for the next writer's cache window), then lets go; while a call to
    /// the vault that this process abandoned is still running, only once it returns (it may still write).
    /// </summary>
    public void Dispose()
    {
        if (OutstandingVaultCalls.IsBusy(_vault))
        {
            OutstandingVaultCalls.WhenIdle(_vault).ContinueWith(_ => Release(), TaskScheduler.Default);
            return;
        }

        Release();
    }

    private void Release()
    {
        try
        {
            Stamp(open: false);
        }
        finally
        {
            _file.Dispose();
        }
    }

    /// <summary>For tests: lets go of the lock as a killed process does, without recording the last write.</summary>
    internal void Abandon() => _file.Dispose();

    /// <summary>Records this process's last write to the vault ("open" while the lock is held).</summary>
    private void Stamp(bool open)
    {
        try
        {
            string text = ProcessId + " " + _time.GetUtcNow().UtcDateTime.ToString("o", CultureInfo.InvariantCulture) + (open ? " open" : string.Empty);
            string temp = _stampPath + "." + Guid.NewGuid().ToString("N") + ".tmp";
            File.WriteAllText(temp, text);
            File.Copy(temp, _stampPath, overwrite: true);
            File.Delete(temp);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The stamp only shortens the next writer's wait; without it the next writer cannot know of this write.
        }
    }

    /// <summary>
    /// The newest write that a process other than this one recorded for the vault. A stamp still marked open belongs to
    /// a writer that died holding the lock (this one holds it now): its last write counts as now.
    /// </summary>
    private static DateTimeOffset LastWriteByAnotherProcess(string name, TimeProvider time)
    {
        DateTimeOffset newest = DateTimeOffset.MinValue;
        foreach (string stamp in System.IO.Directory.GetFiles(Directory, name + ".*.stamp"))
        {
            try
            {
                string[] parts = File.ReadAllText(stamp).Split(' ');
                if (parts.Length is 2 or 3
                    && parts[0] != ProcessId
                    && DateTimeOffset.TryParse(parts[1], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset at))
                {
                    DateTimeOffset last = parts.Length == 3 && parts[2] == "open" ? time.GetUtcNow() : at;
                    newest = last > newest ? last : newest;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Being written right now: the writer holds no lock any more, its stamp is a moment old at most.
            }
        }

        return newest;
    }

    private static readonly string ProcessId = CurrentProcessId().ToString(CultureInfo.InvariantCulture);

    private static int CurrentProcessId()
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return process.Id;
    }

    private static string LockName(string vault)
    {
        using var sha = SHA256.Create();
        byte[] hash = sha.ComputeHash(Encoding.UTF8.GetBytes(vault.ToUpperInvariant()));
        return BitConverter.ToString(hash, 0, 12).Replace("-", string.Empty);
    }

    private static string Account()
    {
        var safe = new StringBuilder();
        foreach (char c in Environment.UserName)
        {
            safe.Append(char.IsLetterOrDigit(c) ? c : '_');
        }

        return safe.Length == 0 ? "user" : safe.ToString();
    }

    /// <summary>The environment variable that moves the lock folder (it must be one folder for every account of the machine).</summary>
    public const string DirectoryVariable = "PERPLEXITYKEYS_LOCK_DIRECTORY";

    private static string DefaultDirectory() =>
        System.Environment.GetEnvironmentVariable(DirectoryVariable) is { Length: > 0 } chosen ? chosen
        : RuntimeInformation.IsOSPlatform(OSPlatform.Windows)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.CommonApplicationData), "PerplexityKeys", "locks")
            : Path.Combine("/tmp", "PerplexityKeys-locks");

    private static void EnsureSharedDirectory(string directory)
    {
        if (System.IO.Directory.Exists(directory))
        {
            return;
        }

        System.IO.Directory.CreateDirectory(directory);
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            // rwxrwxrwt, like /tmp: every account may create its lock and stamp files, none may remove another's.
            _ = NativeMethods.chmod(directory, Convert.ToInt32("1777", 8));
        }
    }

    private static class NativeMethods
    {
        [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
#pragma warning disable SA1300, IDE1006 // the C library's own name
        internal static extern int chmod([MarshalAs(UnmanagedType.LPStr)] string path, int mode);
#pragma warning restore SA1300, IDE1006
    }
}
