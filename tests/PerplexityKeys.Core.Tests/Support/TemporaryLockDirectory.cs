using PerplexityKeys.Core.Rotation;

namespace PerplexityKeys.Core.Tests.Support;

/// <summary>Points RotationLock.Directory (process-wide) at a folder of the test's own, and back when disposed.</summary>
public sealed class TemporaryLockDirectory : IDisposable
{
    private readonly string _saved = RotationLock.Directory;

    public TemporaryLockDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "pplx-lock-tests-" + Guid.NewGuid().ToString("N"));
        RotationLock.Directory = Path;
    }

    public string Path { get; }

    public void Dispose()
    {
        RotationLock.Directory = _saved;
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
