using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using PerplexityKeys.Loader;

namespace PerplexityKeys.Loading.Tests;

/// <summary>What answers one assembly reference under .NET Framework's strict binder (no binding redirects).</summary>
public enum MetBy
{
    /// <summary>(a) A shipped file of the same name, version and public key token.</summary>
    ExactShippedFile,

    /// <summary>(b) An assembly of .NET Framework 4.7.2 (in-box or a facade) of the same or a higher version.</summary>
    InBox,

    /// <summary>(c) The host: powershell.exe provides System.Management.Automation 3.0.0.0.</summary>
    Host,

    /// <summary>(d) The loader's rule (<see cref="ShippedAssemblyResolver.Serves"/>) with a file in lib/.</summary>
    Resolver,

    /// <summary>Nothing: Windows PowerShell 5.1 would fail to load it.</summary>
    Unmet,
}

/// <summary>A file that ships for Windows PowerShell: its name and where it lies (the module folder, or lib/).</summary>
public sealed record ShippedFile(string RelativePath, AssemblyName Name, bool InLib);

/// <summary>One reference of one shipped file, and what meets it.</summary>
public sealed record AuditedReference(string Requester, AssemblyName Requested, MetBy MetBy, string Detail)
{
    /// <inheritdoc />
    public override string ToString() => $"{Requester} -> {Requested.FullName}: {MetBy} ({Detail})";
}

/// <summary>
/// Classifies assembly references the way .NET Framework binds them for a module in powershell.exe: an exact shipped
/// file, an in-box assembly at the same or a higher version, the host's System.Management.Automation, or the loader's
/// resolver; anything else is unmet. Metadata only: nothing is loaded.
/// </summary>
public sealed class BindingAudit
{
    /// <summary>What powershell.exe (Windows PowerShell 5.1) provides itself.</summary>
    public static readonly AssemblyName PowerShellHost = new("System.Management.Automation, Version=3.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35");

    private readonly IReadOnlyList<ShippedFile> _shipped;
    private readonly IReadOnlyDictionary<string, AssemblyName> _inBox;
    private readonly Func<AssemblyName, AssemblyName, bool> _serves;

    /// <summary>An audit of <paramref name="shipped"/> against <paramref name="inBox"/> (by simple name) and a resolver rule.</summary>
    public BindingAudit(IReadOnlyList<ShippedFile> shipped, IReadOnlyDictionary<string, AssemblyName> inBox, Func<AssemblyName, AssemblyName, bool> serves)
    {
        _shipped = shipped;
        _inBox = inBox;
        _serves = serves;
    }

    /// <summary>What meets <paramref name="requested"/>, asked for by <paramref name="requester"/>.</summary>
    public AuditedReference Classify(string requester, AssemblyName requested)
    {
        string name = requested.Name ?? string.Empty;
        ShippedFile? exact = _shipped.FirstOrDefault(f => SameName(f.Name, requested) && f.Name.Version == requested.Version && SameToken(requested, f.Name));
        if (exact is not null)
        {
            return new(requester, requested, MetBy.ExactShippedFile, exact.RelativePath);
        }

        if (_inBox.TryGetValue(name, out AssemblyName? inBox) && SameToken(requested, inBox) && inBox.Version >= requested.Version)
        {
            return new(requester, requested, MetBy.InBox, $".NET Framework 4.7.2 has {inBox.Version}");
        }

        if (SameName(PowerShellHost, requested) && SameToken(requested, PowerShellHost) && PowerShellHost.Version >= requested.Version)
        {
            return new(requester, requested, MetBy.Host, $"powershell.exe has {PowerShellHost.Version}");
        }

        // The resolver serves from lib/ only (ModuleLoader registers it with lib/).
        ShippedFile? served = _shipped.FirstOrDefault(f => f.InLib && _serves(requested, f.Name));
        if (served is not null)
        {
            return new(requester, requested, MetBy.Resolver, $"{served.RelativePath} {served.Name.Version}");
        }

        var why = new List<string>();
        foreach (ShippedFile f in _shipped.Where(f => SameName(f.Name, requested)))
        {
            why.Add($"ships {f.RelativePath} {f.Name.Version} token {Token(f.Name)}");
        }

        if (inBox is not null)
        {
            why.Add($".NET Framework 4.7.2 has {inBox.Version} token {Token(inBox)}");
        }

        return new(requester, requested, MetBy.Unmet, why.Count == 0 ? "neither shipped nor in-box" : string.Join("; ", why));
    }

    /// <summary>The assembly references of a file, from its metadata.</summary>
    public static IReadOnlyList<AssemblyName> ReadReferences(string path)
    {
        using FileStream stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        MetadataReader md = pe.GetMetadataReader();
        return md.AssemblyReferences.Select(h => md.GetAssemblyReference(h).GetAssemblyName()).ToList();
    }

    /// <summary>The identity of a file, from its metadata; null when it is not a managed assembly.</summary>
    public static AssemblyName? ReadIdentity(string path)
    {
        using FileStream stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        return pe.HasMetadata && pe.GetMetadataReader().IsAssembly ? pe.GetMetadataReader().GetAssemblyDefinition().GetAssemblyName() : null;
    }

    /// <summary>The public key token as hex, or "null".</summary>
    public static string Token(AssemblyName name) =>
        name.GetPublicKeyToken() is { Length: > 0 } t ? Convert.ToHexString(t).ToLowerInvariant() : "null";

    private static bool SameName(AssemblyName a, AssemblyName b) => string.Equals(a.Name, b.Name, StringComparison.OrdinalIgnoreCase);

    private static bool SameToken(AssemblyName requested, AssemblyName have) =>
        requested.GetPublicKeyToken() is not { Length: > 0 } wanted || (have.GetPublicKeyToken() is { } token && wanted.AsSpan().SequenceEqual(token));
}
