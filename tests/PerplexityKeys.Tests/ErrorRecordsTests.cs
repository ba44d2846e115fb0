using System.Management.Automation;
using PerplexityKeys.Core;
using PerplexityKeys.Core.Api;
using PerplexityKeys.Core.Rotation;
using PerplexityKeys.Core.Vault;
using Xunit;

namespace PerplexityKeys.Tests;

public sealed class ErrorRecordsTests
{
    public static TheoryData<Exception, string, ErrorCategory> Table() => new()
    {
        { new PplxVaultLockedException("V"), "VaultLocked", ErrorCategory.PermissionDenied },
        { PplxVaultTimeoutException.TimedOut("V", "s", "Set-Secret", TimeSpan.FromSeconds(2)), "VaultTimeout", ErrorCategory.OperationTimeout },
        { new PplxVaultNotFoundException("V"), "VaultNotFound", ErrorCategory.ObjectNotFound },
        { new PplxSecretNotFoundException("V", "s"), "SecretNotFound", ErrorCategory.ObjectNotFound },
        { new PplxKeySharedException("V", "s", "pplx-…abcd", ["DR/s"]), "KeyShared", ErrorCategory.ResourceExists },
        { PplxKeySharedException.Unknown("V", "s", "pplx-…abcd", ["Locked"]), "KeyCopiesUnknown", ErrorCategory.ResourceUnavailable },
        { new PplxVaultOperationException("failed", "V", "s"), "VaultOperationFailed", ErrorCategory.WriteError },
        { Rotation(RotationFailure.RolledBack), "RotationRolledBack", ErrorCategory.OperationStopped },
        { Rotation(RotationFailure.RollbackFailed), "RotationRollbackFailed", ErrorCategory.OperationStopped },
        { Rotation(RotationFailure.Conflict), "RotationConflict", ErrorCategory.ResourceBusy },
        { Rotation(RotationFailure.SiblingNameTaken), "RotationSiblingNameTaken", ErrorCategory.ResourceExists },
        { Rotation(RotationFailure.LockTimeout), "RotationLockTimeout", ErrorCategory.ResourceBusy },
        { Rotation(RotationFailure.AbortTooLate), "RotationAbortTooLate", ErrorCategory.InvalidOperation },
        { Rotation(RotationFailure.Interrupted), "RotationInterrupted", ErrorCategory.OperationStopped },
        { Rotation(RotationFailure.MintOutcomeUnknown), "RotationMintOutcomeUnknown", ErrorCategory.InvalidResult },
        { new InvalidOperationException("a bug"), "PplxUnexpectedError", ErrorCategory.NotSpecified },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void For_MapsEachFailureToItsStableErrorIdAndCategory(Exception error, string errorId, ErrorCategory category)
    {
        ErrorRecord record = ErrorRecords.For(error, "target");

        Assert.Equal(errorId, record.FullyQualifiedErrorId);
        Assert.Equal(category, record.CategoryInfo.Category);
        Assert.Same(error, record.Exception);
        Assert.Equal("target", record.TargetObject);
    }

    [Fact]
    public void EveryRotationFailure_HasAnErrorIdOfItsOwn_NotBuiltFromTheEnumName()
    {
        List<string> ids = Enum.GetValues<RotationFailure>().Select(reason => ErrorRecords.For(Rotation(reason), null).FullyQualifiedErrorId).ToList();

        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.StartsWith("Rotation", id, StringComparison.Ordinal));
    }

    [Fact]
    public void FailureId_OfCtrlC_IsStopped()
    {
        Assert.Equal("Stopped", ErrorRecords.FailureId(new PipelineStoppedException()));
        Assert.Equal("VaultLocked", ErrorRecords.FailureId(new PplxVaultLockedException("V")));
    }

    private static PplxRotationException Rotation(RotationFailure reason) => new(reason, "stopped", new RotationResult { Vault = "V", SecretName = "s" });

    [Fact]
    public void For_ATargetOfText_IsEscaped_SoAHostileNameCannotStartALineOfItsOwn()
    {
        ErrorRecord record = ErrorRecords.For(new PplxSecretNotFoundException("V", "s"), "'x\n##vso[task.setvariable variable=A]y' in vault 'V'");

        string shown = Assert.IsType<string>(record.TargetObject);
        Assert.DoesNotContain('\n', shown);
        Assert.DoesNotContain("##vso", shown, StringComparison.Ordinal);
    }
}
