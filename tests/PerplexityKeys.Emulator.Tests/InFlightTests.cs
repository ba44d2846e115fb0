using Xunit;

namespace PerplexityKeys.Emulator.Tests;

/// <summary>How many requests the emulator handles at once: what a client's concurrency (-ThrottleLimit) is checked by.</summary>
public sealed class InFlightTests
{
    [Fact]
    public void PeakInFlight_KeepsTheMostRequestsAtOnce_PerPath_UntilReset()
    {
        var state = new EmulatorState(new Microsoft.Extensions.Time.Testing.FakeTimeProvider());
        IDisposable a = state.BeginRequest("/v1/models");
        IDisposable b = state.BeginRequest("/v1/models");
        IDisposable c = state.BeginRequest("/v1/models");
        using IDisposable other = state.BeginRequest("/revoke_auth_token");
        a.Dispose();
        b.Dispose();
        using IDisposable d = state.BeginRequest("/v1/models");

        Assert.Equal(2, state.InFlight()["/v1/models"]);
        Assert.Equal(3, state.PeakInFlight()["/v1/models"]);
        Assert.Equal(1, state.PeakInFlight()["/revoke_auth_token"]);
        Assert.Equal(4, state.PeakInFlight()[EmulatorState.AllPaths]);   // three to /v1/models and one to revoke, at once

        c.Dispose();
        state.ResetPeakInFlight();
        Assert.Empty(state.PeakInFlight());
        Assert.Equal(1, state.InFlight()["/v1/models"]);
    }
}
