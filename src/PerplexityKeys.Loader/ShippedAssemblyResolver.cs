using System;
using System.Collections.Concurrent;
using System.IO;
using System.Reflection;

namespace PerplexityKeys.Loader;

/// <summary>
/// Windows PowerShell 5.1 (.NET Framework): powershell.exe has no binding redirects for a module, so a dependency that
/// asks for Microsoft.Bcl.TimeProvider 8.0.0.0 fails beside the 8.0.0.1 the module ships. This resolver answers such a
/// failed load with the shipped file of that name when its version is at least the one asked for, and answers nothing
/// else. No PowerShell type here: the .NET Framework proxy test links this file as it is.
/// </summary>
public static class ShippedAssemblyResolver
{
    private static readonly ConcurrentDictionary<string, Assembly?> Served = new(StringComparer.OrdinalIgnoreCase);
    private static string? _directory;

    /// <summary>Serves failed loads from <paramref name="directory"/>; a second call replaces the first.</summary>
    public static void Register(string directory)
    {
        Unregister();
        _directory = directory;
        AppDomain.CurrentDomain.AssemblyResolve += Resolve;
    }

    /// <summary>Stops serving loads (the module is removed).</summary>
    public static void Unregister()
    {
        AppDomain.CurrentDomain.AssemblyResolve -= Resolve;
        _directory = null;
    }

    /// <summary>
    /// The rule: the shipped file answers a request of the same name and public key token whose version is no higher
    /// than the shipped one (a request without a version is answered too).
    /// </summary>
    public static bool Serves(AssemblyName requested, AssemblyName shipped)
    {
        if (!string.Equals(requested.Name, shipped.Name, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        byte[]? wanted = requested.GetPublicKeyToken();
        byte[]? have = shipped.GetPublicKeyToken();
        if (wanted is { Length: > 0 } && !TokenEquals(wanted, have))
        {
            return false;
        }

        return requested.Version is null || (shipped.Version is not null && shipped.Version >= requested.Version);
    }

    private static Assembly? Resolve(object? sender, ResolveEventArgs args)
    {
        string? directory = _directory;
        var requested = new AssemblyName(args.Name);
        if (directory is null || string.IsNullOrEmpty(requested.Name))
        {
            return null;
        }

        string path = Path.Combine(directory, requested.Name + ".dll");
        if (!File.Exists(path))
        {
            return null;
        }

        AssemblyName shipped = AssemblyName.GetAssemblyName(path);
        return Serves(requested, shipped) ? Served.GetOrAdd(path, Assembly.LoadFrom) : null;
    }

    private static bool TokenEquals(byte[] wanted, byte[]? have)
    {
        if (have is null || have.Length != wanted.Length)
        {
            return false;
        }

        for (int i = 0; i < wanted.Length; i++)
        {
            if (wanted[i] != have[i])
            {
                return false;
            }
        }

        return true;
    }
}
