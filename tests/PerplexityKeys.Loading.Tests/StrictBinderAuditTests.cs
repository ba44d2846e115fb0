using System.Globalization;
using System.Reflection;
using System.Text;
using PerplexityKeys.Loader;
using Xunit;
using Xunit.Abstractions;

namespace PerplexityKeys.Loading.Tests;

/// <summary>
/// Every reference of every file that ships for Windows PowerShell 5.1, checked as .NET Framework binds it without
/// binding redirects (metadata only; runs anywhere). Mono's strict loader waves some facade names through (toolchain
/// notes), so this audit is the check that sees them all.
/// </summary>
public sealed class StrictBinderAuditTests
{
    private readonly ITestOutputHelper _output;

    public StrictBinderAuditTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Every_reference_of_what_ships_for_Windows_PowerShell_is_met()
    {
        string module = Layout.ModuleDirectory;
        IReadOnlyList<(ShippedFile File, string Path)> shipped = Layout.ShippedForWindowsPowerShell(module);
        var audit = new BindingAudit(shipped.Select(s => s.File).ToList(), Layout.Net472InBox(), ShippedAssemblyResolver.Serves);

        List<AuditedReference> references = shipped
            .SelectMany(s => BindingAudit.ReadReferences(s.Path).Select(r => audit.Classify(s.File.RelativePath, r)))
            .ToList();

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"{module}: {shipped.Count} files, {references.Count} references");
        foreach (MetBy rule in Enum.GetValues<MetBy>())
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"  {rule}: {references.Count(r => r.MetBy == rule)}");
        }

        report.AppendLine("Met by the host or the resolver:");
        report.AppendLine(CultureInfo.InvariantCulture, $"  {"requester",-42} {"asks for",-46} {"met by",-9} with");
        foreach (AuditedReference r in references.Where(r => r.MetBy is MetBy.Host or MetBy.Resolver).OrderBy(r => r.MetBy).ThenBy(r => r.Requester, StringComparer.Ordinal))
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"  {r.Requester,-42} {r.Requested.Name + " " + r.Requested.Version,-46} {r.MetBy,-9} {r.Detail}");
        }

        report.AppendLine("Every reference:");
        foreach (AuditedReference r in references)
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"  {r}");
        }

        _output.WriteLine(report.ToString());

        string[] unmet = references.Where(r => r.MetBy == MetBy.Unmet)
            .Select(r => $"{r.Requester} asks for {r.Requested.FullName}: {r.Detail}")
            .ToArray();
        Assert.True(unmet.Length == 0, "Windows PowerShell 5.1 would fail to load:\n" + string.Join("\n", unmet));
        Assert.Contains(shipped, s => s.File.RelativePath == "lib/PerplexityKeys.Core.dll");
        Assert.DoesNotContain(shipped, s => s.File.Name.Name == "PerplexityKeys.LoadContext");
    }

    [Fact]
    public void The_cmdlet_assembly_asks_lib_only_for_the_core()
    {
        // PowerShell 7's default context is asked for what the cmdlet types name; the module's own context serves
        // the rest of lib/ only when the core asks.
        string module = Layout.ModuleDirectory;
        string[] fromLib = LibNamesReferencedBy(module, "PerplexityKeys.dll");
        Assert.Equal(["PerplexityKeys.Core"], fromLib);
    }

    [Fact]
    public void The_loader_asks_for_nothing_the_module_ships()
    {
        // It runs before anything in lib/ is loadable.
        string module = Layout.ModuleDirectory;
        HashSet<string> shipped = Layout.ShippedForWindowsPowerShell(module).Select(s => s.File.Name.Name!).ToHashSet(StringComparer.OrdinalIgnoreCase);
        shipped.Add("PerplexityKeys.LoadContext");
        string[] asked = BindingAudit.ReadReferences(Path.Combine(module, "PerplexityKeys.Loader.dll")).Select(r => r.Name!).Where(shipped.Contains).ToArray();
        Assert.Empty(asked);
    }

    [Fact]
    public void The_in_box_set_is_the_whole_of_net472_with_its_facades()
    {
        IReadOnlyDictionary<string, AssemblyName> inBox = Layout.Net472InBox();
        Assert.Equal(new Version(4, 0, 0, 0), inBox["mscorlib"].Version);
        Assert.Equal(new Version(2, 0, 0, 0), inBox["netstandard"].Version);
        Assert.Equal(new Version(4, 2, 0, 0), inBox["System.Net.Http"].Version); // 4.7.2's own, not 4.0.0.0
        Assert.False(inBox.ContainsKey("System.Memory"), "System.Memory is not part of .NET Framework 4.7.2");
    }

    private static string[] LibNamesReferencedBy(string module, string file)
    {
        HashSet<string> lib = Directory.GetFiles(Path.Combine(module, "lib"), "*.dll").Select(Path.GetFileNameWithoutExtension).ToHashSet(StringComparer.OrdinalIgnoreCase)!;
        return BindingAudit.ReadReferences(Path.Combine(module, file)).Select(r => r.Name!).Where(lib.Contains).Order(StringComparer.Ordinal).ToArray();
    }
}
