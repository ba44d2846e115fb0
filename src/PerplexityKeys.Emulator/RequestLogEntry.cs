namespace PerplexityKeys.Emulator;

/// <summary>One API request as the emulator saw it.</summary>
public sealed record RequestLogEntry(DateTimeOffset At, string Method, string Path, string? Fingerprint, int Status, string? Fault);
