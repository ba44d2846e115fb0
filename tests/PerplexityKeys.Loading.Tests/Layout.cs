using System.Reflection;

namespace PerplexityKeys.Loading.Tests;

/// <summary>Where the laid-out module and the .NET Framework 4.7.2 reference assemblies are.</summary>
public static class Layout
{
    private const string LoadContextFile = "PerplexityKeys.LoadContext.dll";

    /// <summary>The repository's root (recorded at build time).</summary>
    public static string RepositoryRoot => Metadata("RepositoryRoot");

    /// <summary>
    /// out/PerplexityKeys/&lt;version&gt;: from <c>PPLX_TEST_MODULE</c> (out/PerplexityKeys, as the Pester suite sets it), else
    /// the repository's out/PerplexityKeys. Missing: the test fails, naming the build to run.
    /// </summary>
    public static string ModuleDirectory
    {
        get
        {
            string root = Environment.GetEnvironmentVariable("PPLX_TEST_MODULE") is { Length: > 0 } fromEnv
                ? fromEnv
                : Path.Combine(RepositoryRoot, "out", "PerplexityKeys");
            string[] versions = Directory.Exists(root)
                ? Directory.GetDirectories(root).Where(d => File.Exists(Path.Combine(d, "PerplexityKeys.psd1"))).ToArray()
                : [];
            return versions.Length == 1
                ? versions[0]
                : throw new InvalidOperationException(
                    $"Expected one laid-out module, {root}/<version>/PerplexityKeys.psd1, and found {versions.Length}: run `dotnet pwsh -NoProfile -File ./build.ps1 -Task Build` first.");
        }
    }

    /// <summary>The .NET Framework 4.7.2 reference assemblies: the NuGet package's build/.NETFramework/v4.7.2 folder.</summary>
    public static string Net472Directory
    {
        get
        {
            string dir = Metadata("Net472ReferenceAssemblies");
            return File.Exists(Path.Combine(dir, "mscorlib.dll"))
                ? dir
                : throw new InvalidOperationException($"No .NET Framework 4.7.2 reference assemblies at {dir} (package Microsoft.NETFramework.ReferenceAssemblies.net472): restore the test project.");
        }
    }

    /// <summary>
    /// What ships for Windows PowerShell: the cmdlets and the loader beside the manifest, and lib/ but for the
    /// PowerShell 7 load context (net8.0, never loaded on .NET Framework).
    /// </summary>
    public static IReadOnlyList<(ShippedFile File, string Path)> ShippedForWindowsPowerShell(string moduleDirectory)
    {
        var files = new List<(ShippedFile, string)>();
        foreach (string path in Directory.GetFiles(moduleDirectory, "*.dll"))
        {
            files.Add((new ShippedFile(System.IO.Path.GetFileName(path), Identity(path), InLib: false), path));
        }

        foreach (string path in Directory.GetFiles(System.IO.Path.Combine(moduleDirectory, "lib"), "*.dll"))
        {
            if (!string.Equals(System.IO.Path.GetFileName(path), LoadContextFile, StringComparison.OrdinalIgnoreCase))
            {
                files.Add((new ShippedFile("lib/" + System.IO.Path.GetFileName(path), Identity(path), InLib: true), path));
            }
        }

        return files;
    }

    /// <summary>The assemblies of .NET Framework 4.7.2 by simple name: the reference assemblies and their Facades/.</summary>
    public static IReadOnlyDictionary<string, AssemblyName> Net472InBox()
    {
        var inBox = new Dictionary<string, AssemblyName>(StringComparer.OrdinalIgnoreCase);
        string dir = Net472Directory;
        foreach (string path in Directory.GetFiles(dir, "*.dll").Concat(Directory.GetFiles(System.IO.Path.Combine(dir, "Facades"), "*.dll")))
        {
            if (BindingAudit.ReadIdentity(path) is { Name: { } name } identity)
            {
                inBox[name] = identity;
            }
        }

        return inBox;
    }

    private static AssemblyName Identity(string path) =>
        BindingAudit.ReadIdentity(path) ?? throw new InvalidOperationException($"{path} is not a managed assembly.");

    private static string Metadata(string key) =>
        typeof(Layout).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"The test assembly has no {key}.");
}
