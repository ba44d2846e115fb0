
namespace PerplexityKeys.Core;

/// <summary>
/// The one place that names the system clock (src/BannedSymbols.txt bans it elsewhere): everything else takes its
/// TimeProvider from the caller, so tests drive time.
/// </summary>
public static class SystemClock
{
#pragma warning disable RS0030 // the one allowed use
    /// <summary>The system's clock.</summary>
    public static TimeProvider Instance { get; } = TimeProvider.System;
#pragma warning restore RS0030

    /// <summary>
    /// The time now. The cmdlet layer reads time only through this and the overloads that take no clock, so it names no
    /// type of Microsoft.Bcl.TimeProvider: that assembly stays inside the module's load context (docs/loading.md).
    /// </summary>
    public static DateTimeOffset UtcNow => Instance.GetUtcNow();
}
