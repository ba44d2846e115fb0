using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace PerplexityKeys.LoadContext;

/// <summary>
/// PowerShell 7: the core and its dependencies load into this context, not the default one, so a module that brought
/// another Polly or System.Text.Json into the session, before or after us, keeps its copy and we keep ours. A name the
/// runtime itself ships at an equal or higher version (System.Text.Json in pwsh, say) is left to the runtime's copy.
/// The default context is asked only for the core (which the cmdlets reference); it never hands our copies to others.
/// </summary>
public sealed class ModuleLoadContext : AssemblyLoadContext
{
    private const string CoreName = "PerplexityKeys.Core";
    private static readonly object Gate = new();
    private static ModuleLoadContext? _instance;

    private readonly string _directory;
    private readonly Dictionary<string, string> _platform;

    private ModuleLoadContext(string directory)
        : base("PerplexityKeys", isCollectible: false)
    {
        _directory = directory;
        _platform = PlatformAssemblies();
    }

    /// <summary>Makes the default context load the core from <paramref name="directory"/> into the module's context. Idempotent.</summary>
    public static void Register(string directory)
    {
        lock (Gate)
        {
            _instance ??= new ModuleLoadContext(directory);
            Default.Resolving -= ResolveCore;
            Default.Resolving += ResolveCore;
        }
    }

    /// <summary>Stops answering the default context (the module is removed). What is loaded stays loaded.</summary>
    public static void Unregister()
    {
        lock (Gate)
        {
            Default.Resolving -= ResolveCore;
        }
    }

    /// <inheritdoc />
    protected override Assembly? Load(AssemblyName assemblyName)
    {
        string path = Path.Combine(_directory, assemblyName.Name + ".dll");
        if (!File.Exists(path) || RuntimeHasAtLeast(assemblyName, path))
        {
            return null; // the default context's (the runtime's) copy
        }

        return LoadFromAssemblyPath(path);
    }

    private static Assembly? ResolveCore(AssemblyLoadContext context, AssemblyName name) =>
        string.Equals(name.Name, CoreName, StringComparison.OrdinalIgnoreCase) && _instance is { } module ? module.LoadFromAssemblyName(name) : null;

    private bool RuntimeHasAtLeast(AssemblyName requested, string shippedPath)
    {
        if (!_platform.TryGetValue(requested.Name!, out string? runtimePath))
        {
            return false;
        }

        Version runtime = AssemblyName.GetAssemblyName(runtimePath).Version ?? new Version();
        Version shipped = AssemblyName.GetAssemblyName(shippedPath).Version ?? new Version();
        return runtime >= shipped;
    }

    // The runtime's and pwsh's own assemblies (the trusted platform assemblies), by simple name.
    private static Dictionary<string, string> PlatformAssemblies()
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") is string list)
        {
            foreach (string path in list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                map[Path.GetFileNameWithoutExtension(path)] = path;
            }
        }

        return map;
    }
}
