using System;
using System.IO;
using System.Management.Automation;
using System.Net;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PerplexityKeys.Loader;

/// <summary>
/// Runs when the module is imported, before PowerShell reads the cmdlet types (the manifest loads this assembly as a
/// nested module first), and makes the core and its dependencies in <c>lib/</c> loadable:
/// on .NET Framework (Windows PowerShell 5.1) through <see cref="ShippedAssemblyResolver"/>; on .NET (PowerShell 7)
/// in an AssemblyLoadContext of the module's own (PerplexityKeys.LoadContext.dll), so another module's Polly or
/// System.Text.Json cannot clash with ours in either order. docs/loading.md has the design.
/// </summary>
public sealed class ModuleLoader : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private const string LoadContextAssembly = "PerplexityKeys.LoadContext";
    private const string LoadContextType = "PerplexityKeys.LoadContext.ModuleLoadContext";

    /// <summary>The folder of the core and its dependencies.</summary>
    public static string LibDirectory { get; } = Path.Combine(Path.GetDirectoryName(typeof(ModuleLoader).Assembly.Location)!, "lib");

    /// <summary>True on .NET Framework and Mono, where an AppDomain resolver serves the dependencies.</summary>
    public static bool OnNetFramework { get; } =
        RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal)
        || RuntimeInformation.FrameworkDescription.StartsWith("Mono", StringComparison.Ordinal);

    private static readonly object Gate = new();
    private static int _imports;

    /// <inheritdoc />
    public void OnImport()
    {
        // The resolver is process-wide while imports are per runspace: it is registered by the first import and
        // removed with the last (a thread job's Remove-Module must not take it from the session that still uses it).
        lock (Gate)
        {
            if (_imports++ > 0)
            {
                return;
            }
        }

        if (OnNetFramework)
        {
            ImportOnNetFramework();
        }
        else
        {
            LoadContextCall("Register");
        }
    }

    /// <inheritdoc />
    public void OnRemove(PSModuleInfo psModuleInfo)
    {
        lock (Gate)
        {
            if (_imports == 0 || --_imports > 0)
            {
                return;
            }
        }

        if (OnNetFramework)
        {
            ShippedAssemblyResolver.Unregister();
        }
        else
        {
            LoadContextCall("Unregister");
        }
    }

    // A method of its own, so that PowerShell 7 never compiles it: naming ServicePointManager loads System.Net.Requests.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ImportOnNetFramework()
    {
        ServicePointManager.SecurityProtocol = TlsPolicy.WithTls12(ServicePointManager.SecurityProtocol);
        ShippedAssemblyResolver.Register(LibDirectory);
    }

    // AssemblyLoadContext is not in netstandard2.0: its part is a net8.0 assembly in lib/, loaded into the default context.
    private static void LoadContextCall(string method)
    {
        Assembly loader = Assembly.LoadFrom(Path.Combine(LibDirectory, LoadContextAssembly + ".dll"));
        Type type = loader.GetType(LoadContextType, throwOnError: true)!;
        object?[] arguments = method == "Register" ? [LibDirectory] : [];
        type.GetMethod(method, BindingFlags.Public | BindingFlags.Static)!.Invoke(null, arguments);
    }
}
