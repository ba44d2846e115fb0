namespace PerplexityKeys;

/// <summary>The stable ErrorIds the module's cmdlets write (FullyQualifiedErrorId = id + "," + cmdlet class).</summary>
public static class ErrorIds
{
    /// <summary>No -ApiKey and no $env:PERPLEXITY_API_KEY.</summary>
    public const string ApiKeyNotFound = "ApiKeyNotFound";

    /// <summary>The authorizing key was refused (401).</summary>
    public const string ApiKeyUnauthorized = "ApiKeyUnauthorized";

    /// <summary>The authorizing key may not do this (403).</summary>
    public const string ApiKeyForbidden = "ApiKeyForbidden";

    /// <summary>The API says the path called is retired, migrated or gone (403 chat_completions_not_available, 405, 410); nothing is known about the key.</summary>
    public const string ApiEndpointRetired = "ApiEndpointRetired";

    /// <summary>Several items of a batch failed under -ErrorAction Stop (every item was attempted); the error lists each one.</summary>
    public const string ItemsFailed = "ItemsFailed";

    /// <summary>A change needs a confirmation and the session cannot ask (non-interactive, or input not a terminal): pass -Force.</summary>
    public const string ConfirmationRequired = "ConfirmationRequired";

    /// <summary>The secret named is a rotation's helper (…-pplx-pending, …-pplx-previous, …-pplx-journal), not a key.</summary>
    public const string SecretIsRotationHelper = "SecretIsRotationHelper";

    /// <summary>-Model is not a plausible model id (provider/name).</summary>
    public const string ModelInvalid = "ModelInvalid";

    /// <summary>-EnvironmentVariable names a variable that is not set, is empty, or holds an unexpanded pipeline macro ("$(NAME)").</summary>
    public const string EnvironmentVariableNotSet = "EnvironmentVariableNotSet";

    /// <summary>-EnvironmentVariable was given text that cannot be a variable's name ('=' or NUL in it), or that looks like a key (its value, not its name); or an environment variable's item (Get-ChildItem env:) was piped where a secret's name is read.</summary>
    public const string EnvironmentVariableNameInvalid = "EnvironmentVariableNameInvalid";

    /// <summary>Key text that cannot be a key (empty, white space, control characters).</summary>
    public const string KeyMalformed = "KeyMalformed";

    /// <summary>The base URI is malformed, or http to a host that is not loopback.</summary>
    public const string BaseUriInvalid = "BaseUriInvalid";

    /// <summary>Parameters that only work together, or not at all (e.g. Revoke-PplxToken -RemoveSecret without -Vault).</summary>
    public const string ParameterCombinationInvalid = "ParameterCombinationInvalid";

    /// <summary>The token name is empty, too long or holds control characters.</summary>
    public const string TokenNameInvalid = "TokenNameInvalid";

    /// <summary>The API does not know the key (unknown or already revoked).</summary>
    public const string TokenNotFound = "TokenNotFound";

    /// <summary>A mint may have created a key whose answer was lost.</summary>
    public const string TokenMintOutcomeUnknown = "TokenMintOutcomeUnknown";

    /// <summary>429 after the retries the policy allows.</summary>
    public const string ApiRateLimited = "ApiRateLimited";

    /// <summary>The API refused the request as malformed (4xx).</summary>
    public const string ApiRequestRejected = "ApiRequestRejected";

    /// <summary>5xx after the retries the policy allows.</summary>
    public const string ApiServerError = "ApiServerError";

    /// <summary>No connection to the API.</summary>
    public const string ApiUnreachable = "ApiUnreachable";

    /// <summary>The API did not answer in time.</summary>
    public const string ApiTimeout = "ApiTimeout";

    /// <summary>An answer that could not be used (not JSON, fields missing, too large, a redirect).</summary>
    public const string ApiResponseInvalid = "ApiResponseInvalid";

    /// <summary>No SecretManagement vault of that name.</summary>
    public const string VaultNotFound = "VaultNotFound";

    /// <summary>The vault is locked; pass -VaultPassword.</summary>
    public const string VaultLocked = "VaultLocked";

    /// <summary>A vault call did not return within -TimeoutSec (or an earlier one that did not is still running).</summary>
    public const string VaultTimeout = "VaultTimeout";

    /// <summary>No secret of that name in the vault.</summary>
    public const string SecretNotFound = "SecretNotFound";

    /// <summary>The secret holds a hashtable or byte[], not a key.</summary>
    public const string SecretTypeInvalid = "SecretTypeInvalid";

    /// <summary>The secret exists and -Force was not given.</summary>
    public const string SecretExists = "SecretExists";

    /// <summary>The key to rotate is also kept in other secrets (a copy in another vault); pass -AllowSharedKey to rotate anyway.</summary>
    public const string KeyShared = "KeyShared";

    /// <summary>Some vaults could not be searched for copies of the key to rotate (locked, failing); unlock them, or pass -AllowSharedKey.</summary>
    public const string KeyCopiesUnknown = "KeyCopiesUnknown";

    /// <summary>A vault operation failed.</summary>
    public const string VaultOperationFailed = "VaultOperationFailed";

    /// <summary>The new key failed or could not be kept; it was revoked and the secret holds the old key.</summary>
    public const string RotationRolledBack = "RotationRolledBack";

    /// <summary>The rollback itself failed; the helpers are left in place for the next run.</summary>
    public const string RotationRollbackFailed = "RotationRollbackFailed";

    /// <summary>Another run (another machine) took the rotation over; this run's key was revoked or reported.</summary>
    public const string RotationConflict = "RotationConflict";

    /// <summary>A helper name holds a secret the module did not write, or another secret's rotation.</summary>
    public const string RotationSiblingNameTaken = "RotationSiblingNameTaken";

    /// <summary>Another rotation of the vault on this machine held the lock too long.</summary>
    public const string RotationLockTimeout = "RotationLockTimeout";

    /// <summary>-Abort after the new key is current.</summary>
    public const string RotationAbortTooLate = "RotationAbortTooLate";

    /// <summary>The run stopped with nothing lost; running it again resumes.</summary>
    public const string RotationInterrupted = "RotationInterrupted";

    /// <summary>The mint's answer was lost; the key may exist under the reported token name.</summary>
    public const string RotationMintOutcomeUnknown = "RotationMintOutcomeUnknown";

    /// <summary>-CiVariable is not a name a pipeline variable can have (letters, digits, '_', '.' and '-'; not a prefix Azure Pipelines reserves).</summary>
    public const string CiVariableInvalid = "CiVariableInvalid";

    /// <summary>-CiVariable outside Azure Pipelines and GitHub Actions (or without $GITHUB_OUTPUT): nothing could take the key, so nothing was done.</summary>
    public const string CiVariableUnsupported = "CiVariableUnsupported";

    /// <summary>Any other failure.</summary>
    public const string Unexpected = "PplxUnexpectedError";
}
