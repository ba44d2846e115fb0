using PerplexityKeys.Core.Api;
using PerplexityKeys.Core.Rotation;
using PerplexityKeys.Core.Vault;

namespace PerplexityKeys;

/// <summary>
/// The one map from the core's exceptions to ErrorRecords: a stable ErrorId (ErrorIds.cs) and the real category, and the
/// PowerShell advice the core leaves out.
/// </summary>
internal static class ErrorRecords
{
    /// <summary>The one map from exceptions to ErrorRecords: a stable ErrorId, the real category, and the advice (ErrorAdvice).</summary>
    public static ErrorRecord For(Exception error, object? target)
    {
        (string id, ErrorCategory category) = error switch
        {
            PplxApiKeyMissingException => (ErrorIds.ApiKeyNotFound, ErrorCategory.ObjectNotFound),
            PplxKeyFormatException => (ErrorIds.KeyMalformed, ErrorCategory.InvalidArgument),
            PplxTokenNameException => (ErrorIds.TokenNameInvalid, ErrorCategory.InvalidArgument),
            PplxConfigurationException { Setting: "BaseUri" } => (ErrorIds.BaseUriInvalid, ErrorCategory.InvalidArgument),
            PplxConfigurationException { Setting: "Model" } => (ErrorIds.ModelInvalid, ErrorCategory.InvalidArgument),
            PplxConfigurationException { Setting: "Confirmation" } => (ErrorIds.ConfirmationRequired, ErrorCategory.PermissionDenied),
            PplxConfigurationException { Setting: "RotationHelper" } => (ErrorIds.SecretIsRotationHelper, ErrorCategory.InvalidArgument),
            PplxConfigurationException { Setting: "CiVariable" } => (ErrorIds.CiVariableInvalid, ErrorCategory.InvalidArgument),
            PplxConfigurationException { Setting: "EnvironmentVariable" } => (ErrorIds.EnvironmentVariableNotSet, ErrorCategory.ObjectNotFound),
            PplxConfigurationException { Setting: "EnvironmentVariableName" } => (ErrorIds.EnvironmentVariableNameInvalid, ErrorCategory.InvalidArgument),
            PplxConfigurationException { Setting: "CiSystem" } => (ErrorIds.CiVariableUnsupported, ErrorCategory.InvalidOperation),
            PplxConfigurationException => (ErrorIds.ParameterCombinationInvalid, ErrorCategory.InvalidArgument),
            PplxUnauthorizedException => (ErrorIds.ApiKeyUnauthorized, ErrorCategory.AuthenticationError),
            PplxForbiddenException => (ErrorIds.ApiKeyForbidden, ErrorCategory.PermissionDenied),
            PplxEndpointRetiredException => (ErrorIds.ApiEndpointRetired, ErrorCategory.NotImplemented),
            PplxRateLimitedException => (ErrorIds.ApiRateLimited, ErrorCategory.LimitsExceeded),
            PplxNotFoundException => (ErrorIds.TokenNotFound, ErrorCategory.ObjectNotFound),
            PplxBadRequestException => (ErrorIds.ApiRequestRejected, ErrorCategory.InvalidArgument),
            PplxServerException => (ErrorIds.ApiServerError, ErrorCategory.ResourceUnavailable),
            PplxConnectionException { IsTimeout: true } => (ErrorIds.ApiTimeout, ErrorCategory.OperationTimeout),
            PplxConnectionException => (ErrorIds.ApiUnreachable, ErrorCategory.ConnectionError),
            PplxProtocolException => (ErrorIds.ApiResponseInvalid, ErrorCategory.InvalidResult),
            PplxMintOutcomeUnknownException => (ErrorIds.TokenMintOutcomeUnknown, ErrorCategory.InvalidResult),
            PplxVaultNotFoundException => (ErrorIds.VaultNotFound, ErrorCategory.ObjectNotFound),
            PplxVaultLockedException => (ErrorIds.VaultLocked, ErrorCategory.PermissionDenied),
            PplxVaultTimeoutException => (ErrorIds.VaultTimeout, ErrorCategory.OperationTimeout),
            PplxSecretNotFoundException => (ErrorIds.SecretNotFound, ErrorCategory.ObjectNotFound),
            PplxSecretTypeException => (ErrorIds.SecretTypeInvalid, ErrorCategory.InvalidType),
            PplxSecretExistsException => (ErrorIds.SecretExists, ErrorCategory.ResourceExists),
            PplxKeySharedException { Copies.Count: 0 } => (ErrorIds.KeyCopiesUnknown, ErrorCategory.ResourceUnavailable),
            PplxKeySharedException => (ErrorIds.KeyShared, ErrorCategory.ResourceExists),
            PplxVaultException => (ErrorIds.VaultOperationFailed, ErrorCategory.WriteError),
            PplxRotationException r => r.Reason switch
            {
                RotationFailure.SiblingNameTaken => (ErrorIds.RotationSiblingNameTaken, ErrorCategory.ResourceExists),
                RotationFailure.LockTimeout => (ErrorIds.RotationLockTimeout, ErrorCategory.ResourceBusy),
                RotationFailure.Conflict => (ErrorIds.RotationConflict, ErrorCategory.ResourceBusy),
                RotationFailure.AbortTooLate => (ErrorIds.RotationAbortTooLate, ErrorCategory.InvalidOperation),
                RotationFailure.MintOutcomeUnknown => (ErrorIds.RotationMintOutcomeUnknown, ErrorCategory.InvalidResult),
                RotationFailure.RolledBack => (ErrorIds.RotationRolledBack, ErrorCategory.OperationStopped),
                RotationFailure.RollbackFailed => (ErrorIds.RotationRollbackFailed, ErrorCategory.OperationStopped),
                _ => (ErrorIds.RotationInterrupted, ErrorCategory.OperationStopped),
            },
            _ => (ErrorIds.Unexpected, ErrorCategory.NotSpecified),
        };
        // A target of text holds names from outside (vaults, secrets): PowerShell prints it (CategoryInfo), so escaped.
        var record = new ErrorRecord(error, id, category, target is string text ? OutsideText.Escape(text) : target);
        if (error is PplxApiException { RetryAfter: { } retry })
        {
            record.ErrorDetails = new ErrorDetails(error.Message)
            {
                RecommendedAction = $"Wait {retry.TotalSeconds:0} s and run the command again.",
            };
        }
        else if (ErrorAdvice.For(id, error) is { } advice)
        {
            // PowerShell shows ErrorDetails.Message in place of the exception's, and RecommendedAction only in Get-Error:
            // the message shown carries the advice too.
            record.ErrorDetails = new ErrorDetails($"{error.Message} {advice}") { RecommendedAction = advice };
        }

        return record;
    }

    /// <summary>The ErrorId an exception is reported under in audit lines ("Stopped" for Ctrl+C).</summary>
    public static string FailureId(Exception error) => error is PipelineStoppedException ? "Stopped" : For(error, null).FullyQualifiedErrorId;
}
