using System.Management.Automation;
using System.Reflection;
using System.Text.RegularExpressions;
using PerplexityKeys.Core;
using PerplexityKeys.Core.Model;
using PerplexityKeys.Core.Rotation;
using PerplexityKeys.Core.Vault;
using Xunit;

namespace PerplexityKeys.Tests;

/// <summary>
/// The core says what happened; the cmdlet layer adds what to do in PowerShell's terms (ErrorAdvice), by ErrorId.
/// </summary>
public sealed partial class ErrorAdviceTests
{
    // "-Force", "-Stage Finish" (a parameter), or "Revoke-PplxToken", "Get-SecretVault" (a cmdlet). Not "pplx-…abcd",
    // "X-RateLimit-Reset" or "S-pplx-pending": a parameter's dash stands alone, a cmdlet is Verb-Noun in capitals.
    [GeneratedRegex(@"(?<![\w-])-[A-Z][A-Za-z]+|\b[A-Z][a-z]+-[A-Z][A-Za-z]+\b")]
    private static partial Regex PowerShellName();

    /// <summary>Failures as the core builds them, with the ErrorId each is reported under.</summary>
    public static TheoryData<Exception, string> CoreFailures() => new()
    {
        { Thrown(() => TokenNamePolicy.Validate(" ")), "TokenNameInvalid" },
        { Thrown(() => TokenNamePolicy.Validate(new string('n', 300))), "TokenNameInvalid" },
        { Thrown(() => ModelIdPolicy.Validate("not a model!")), "ModelInvalid" },
        { new PplxVaultNotFoundException("V"), "VaultNotFound" },
        { new PplxVaultLockedException("V"), "VaultLocked" },
        { PplxVaultLockedException.StillLocked("V", "s"), "VaultLocked" },
        { PplxVaultLockedException.PromptStopped("V", "s"), "VaultLocked" },
        // The operation is the caller's (the cmdlet layer names the SecretManagement call); the rest is the core's.
        { PplxVaultTimeoutException.TimedOut("V", "s", "a write", TimeSpan.FromSeconds(2)), "VaultTimeout" },
        { PplxVaultTimeoutException.StillRunning("V", "s", "V: a read of 's'"), "VaultTimeout" },
        { new PplxSecretExistsException("V", "s"), "SecretExists" },
        { new PplxKeySharedException("V", "s", "pplx-…abcd", ["DR/s"]), "KeyShared" },
        { PplxKeySharedException.Unknown("V", "s", "pplx-…abcd", ["Locked"]), "KeyCopiesUnknown" },
        { new PplxSecretNotFoundException("V", "s"), "SecretNotFound" },
        { new PplxSecretTypeException("V", "s", "Hashtable"), "SecretTypeInvalid" },
        // Built by the cmdlet layer before anything changes (-CiVariable); the advice names the parameter.
        { Thrown(() => CiVariableHandOn.Validate("bad name", CiSystem.GitHubActions)), "CiVariableInvalid" },
        { Thrown(() => CiVariableHandOn.Validate("secretKey", CiSystem.AzurePipelines)), "CiVariableInvalid" },
        { Thrown(() => CiVariableHandOn.For("PPLX_KEY", CiLog.Silent)), "CiVariableUnsupported" },
        // Built by the cmdlet layer from -EnvironmentVariable; the key given for the name shows only as its fingerprint.
        { Thrown(() => EnvironmentKey.Read("PPLX_TEST_NEVER_SET_" + Random.Shared.Next())), "EnvironmentVariableNotSet" },
        { Thrown(() => EnvironmentKey.Read("pplx-" + new string('k', 48))), "EnvironmentVariableNameInvalid" },
        { Thrown(() => EnvironmentKey.Read("=C:")), "EnvironmentVariableNameInvalid" },
        { new PplxRotationException(RotationFailure.AbortTooLate, "The new key is already current in 's' (Propagating); aborting would revoke a key in use. Finish the rotation instead.", new RotationResult()), "RotationAbortTooLate" },
    };

    [Theory]
    [MemberData(nameof(CoreFailures))]
    public void CoreMessages_NameNoCmdletAndNoParameter(Exception error, string errorId)
    {
        Assert.Equal(errorId, ErrorRecords.For(error, null).FullyQualifiedErrorId);
        Assert.DoesNotMatch(PowerShellName(), error.Message);
    }

    [Theory]
    [MemberData(nameof(CoreFailures))]
    public void For_GivesEachFailureTheAdviceOfItsErrorId_AndShowsItAfterTheMessage(Exception error, string errorId)
    {
        ErrorRecord record = ErrorRecords.For(error, "target");

        if (ErrorAdvice.ByErrorId.TryGetValue(errorId, out string? advice))
        {
            Assert.Equal(advice, record.ErrorDetails?.RecommendedAction);
            Assert.Equal(error.Message + " " + advice, record.ErrorDetails?.Message);
        }
        else
        {
            Assert.Null(record.ErrorDetails);
        }

        Assert.Same(error, record.Exception);
    }

    [Fact]
    public void EveryErrorIdWithAdvice_IsAStableErrorId_AndHasAFailureInTheTable()
    {
        string[] stable = typeof(ErrorIds).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetValue(null)!).ToArray();
        string[] tabled = CoreFailures().Select(row => (string)row[1]).ToArray();

        Assert.NotEmpty(ErrorAdvice.ByErrorId);
        foreach ((string id, string advice) in ErrorAdvice.ByErrorId)
        {
            Assert.Contains(id, stable);
            Assert.Contains(id, tabled);
            Assert.Matches(PowerShellName(), advice);   // advice is where PowerShell's names belong
        }
    }

    [Theory]
    [InlineData(407, true)]
    [InlineData(400, false)]
    public void For_ARefusalByAProxy_AdvisesProxyCredential_WhateverItsErrorId(int status, bool proxy)
    {
        ErrorRecord rejected = ErrorRecords.For(new PplxBadRequestException("POST /x answered " + status + ".", status, null), null);
        ErrorRecord unreachable = ErrorRecords.For(new PplxConnectionException("GET /v1/models failed.", false, null) { IsProxyAuthenticationFailure = proxy }, null);

        Assert.Equal("ApiRequestRejected", rejected.FullyQualifiedErrorId);
        Assert.Equal("ApiUnreachable", unreachable.FullyQualifiedErrorId);
        Assert.Equal(proxy ? ErrorAdvice.ProxyAuthentication : null, rejected.ErrorDetails?.RecommendedAction);
        Assert.Equal(proxy ? ErrorAdvice.ProxyAuthentication : null, unreachable.ErrorDetails?.RecommendedAction);
    }

    [Fact]
    public void For_ARotationWhoseMintWasRefused_AdvisesAMasterKey()
    {
        var refused = new PplxUnauthorizedException("POST /generate_auth_token answered 401.", 401, null);
        var error = new PplxRotationException(RotationFailure.Interrupted, "The mint for 's' failed; nothing was changed.", new RotationResult(), refused);
        var other = new PplxRotationException(RotationFailure.Interrupted, "The mint for 's' failed; nothing was changed.", new RotationResult(), new PplxServerException("500.", 500, null, null));

        Assert.Equal(ErrorAdvice.MasterKey, ErrorRecords.For(error, null).ErrorDetails?.RecommendedAction);
        Assert.Null(ErrorRecords.For(other, null).ErrorDetails);
    }

    [Fact]
    public void For_ARateLimit_AdvisesItsWait_AndLeavesTheMessageAsItIs()
    {
        var error = new PplxRateLimitedException("Rate limited.", 429, null, TimeSpan.FromSeconds(30));

        ErrorRecord record = ErrorRecords.For(error, null);

        Assert.Equal("Wait 30 s and run the command again.", record.ErrorDetails?.RecommendedAction);
        Assert.Equal("Rate limited.", record.ErrorDetails?.Message);
    }

    private static PplxException Thrown(Action action) => Assert.ThrowsAny<PplxException>(action);
}
