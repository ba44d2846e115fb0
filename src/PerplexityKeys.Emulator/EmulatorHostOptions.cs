namespace PerplexityKeys.Emulator;

/// <summary>Settings for starting an emulator.</summary>
public sealed class EmulatorHostOptions
{
    /// <summary>The loopback port; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>The clock for key times, rate windows, latency and delays.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The seeded admin key's text; null makes a random one.</summary>
    public string? AdminKey { get; init; }

    /// <summary>Settings to start with.</summary>
    public EmulatorConfig? Config { get; init; }
}
