using PerplexityKeys.Core.Model;
using PerplexityKeys.Core.Tests.Support;
using PerplexityKeys.Emulator;
using Xunit;

namespace PerplexityKeys.Core.Tests.Api;

public sealed class PplxClientRevokeTests
{
    private const string RevokePath = "/revoke_auth_token";

    [Fact]
    public async Task Revoke_MakesTheKeyRefusedByEveryPath_FromTheMomentItReturns()
    {
        await using var rig = await EmulatorRig.StartAsync();
        ApiKey key = await rig.NewKeyAsync();

        RevokeOutcome outcome = await rig.Client.RevokeTokenAsync(rig.Admin, key, null, CancellationToken.None);

        Assert.Equal(RevokeOutcome.Revoked, outcome);
        foreach (ProbeKind kind in Enum.GetValues<ProbeKind>())
        {
            ProbeResult probe = await rig.Client.ProbeAsync(key, kind, null, CancellationToken.None);
            Assert.Equal(TokenStatus.Invalid, probe.Status);
        }

        await Assert.ThrowsAsync<PplxUnauthorizedException>(() => rig.Client.GenerateTokenAsync(key, "n", null, CancellationToken.None));
        Assert.True(rig.KeyByFingerprint(key.Fingerprint)!.Revoked);
    }

    [Fact]
    public async Task Revoke_OfAnAlreadyRevokedKey_ThrowsNotFoundNamingTheTarget()
    {
        await using var rig = await EmulatorRig.StartAsync();
        ApiKey key = await rig.NewKeyAsync();
        await rig.Client.RevokeTokenAsync(rig.Admin, key, null, CancellationToken.None);

        var error = await Assert.ThrowsAsync<PplxNotFoundException>(() => rig.Client.RevokeTokenAsync(rig.Admin, key, null, CancellationToken.None));

        Assert.Equal(key.Fingerprint, error.Fingerprint);
        Assert.Contains("already revoked", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoke_OfAnUnknownKey_FollowsTheEmulatorsConfiguredAnswer()
    {
        await using var rig = await EmulatorRig.StartAsync();
        ApiKey stranger = ApiKey.Create("pplx-" + new string('Z', 48));

        await Assert.ThrowsAsync<PplxNotFoundException>(() => rig.Client.RevokeTokenAsync(rig.Admin, stranger, null, CancellationToken.None));
        rig.Configure(c => c.RevokeUnknown = UndocumentedAnswer.BadRequest);
        await Assert.ThrowsAsync<PplxBadRequestException>(() => rig.Client.RevokeTokenAsync(rig.Admin, stranger, null, CancellationToken.None));
        rig.Configure(c => c.RevokeUnknown = UndocumentedAnswer.Ok);
        Assert.Equal(RevokeOutcome.Revoked, await rig.Client.RevokeTokenAsync(rig.Admin, stranger, null, CancellationToken.None));
    }

    [Fact]
    public async Task Revoke_OfItself_IsRefusedByDefault_AndAllowedWhenConfigured()
    {
        await using var rig = await EmulatorRig.StartAsync();
        ApiKey key = await rig.NewKeyAsync();

        await Assert.ThrowsAsync<PplxBadRequestException>(() => rig.Client.RevokeTokenAsync(key, key, null, CancellationToken.None));
        Assert.False(rig.KeyByFingerprint(key.Fingerprint)!.Revoked);

        rig.Configure(c => c.AllowSelfRevoke = true);
        await rig.Client.RevokeTokenAsync(key, key, null, CancellationToken.None);
        Assert.True(rig.KeyByFingerprint(key.Fingerprint)!.Revoked);
    }

    [Fact]
    public async Task Revoke_WithARevokedAuthorizingKey_IsUnauthorized_NotMistakenForAnAlreadyRevokedTarget()
    {
        await using var rig = await EmulatorRig.StartAsync();
        ApiKey authorizer = await rig.NewKeyAsync("authorizer");
        ApiKey target = await rig.NewKeyAsync("target");
        await rig.Client.RevokeTokenAsync(rig.Admin, authorizer, null, CancellationToken.None);

        await Assert.ThrowsAsync<PplxUnauthorizedException>(() => rig.Client.RevokeTokenAsync(authorizer, target, null, CancellationToken.None));

        Assert.False(rig.KeyByFingerprint(target.Fingerprint)!.Revoked);
    }

    [Fact]
    public async Task Revoke_WhoseAnswerWasLost_IsRetried_AndCountsTheEarlierAttemptsWork()
    {
        await using var rig = await EmulatorRig.StartAsync(configure: o => new Core.Api.PplxClientOptions
        {
            BaseUri = o.BaseUri, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(2),
        });
        ApiKey key = await rig.NewKeyAsync();
        rig.Fault(new Fault { Kind = FaultKind.LoseResponse, Path = RevokePath });

        RevokeOutcome outcome = await rig.Client.RevokeTokenAsync(rig.Admin, key, null, CancellationToken.None);

        Assert.Equal(RevokeOutcome.RevokedByEarlierAttempt, outcome);
        Assert.Equal(2, rig.Requests(RevokePath).Count);
        Assert.True(rig.KeyByFingerprint(key.Fingerprint)!.Revoked);
    }

    [Fact]
    public async Task Revoke_AnsweredWithARedirect_IsNotFollowed()
    {
        await using var rig = await EmulatorRig.StartAsync();
        ApiKey key = await rig.NewKeyAsync();
        rig.Fault(new Fault { Status = 307, Body = "", Location = "https://elsewhere.example/revoke_auth_token", Path = RevokePath });

        var error = await Assert.ThrowsAsync<PplxProtocolException>(() => rig.Client.RevokeTokenAsync(rig.Admin, key, null, CancellationToken.None));

        Assert.Equal(307, error.StatusCode);
        Assert.Contains("elsewhere.example", error.Message, StringComparison.Ordinal);
        Assert.False(rig.KeyByFingerprint(key.Fingerprint)!.Revoked);
    }
}
