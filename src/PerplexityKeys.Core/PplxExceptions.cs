
namespace PerplexityKeys.Core;

// The core's typed exceptions. Each keeps its inner exception and carries facts (status,
// retry-after, fingerprint), never a key. The cmdlet layer maps each type to one ErrorId.

/// <summary>Base of every error the core raises on purpose.</summary>
public class PplxException : Exception
{
    /// <summary>Creates the exception. Its message is escaped (names from vaults and users hold no control or
    /// formatting characters when printed). A foreign inner exception (HTTP, a vault, a user's script block) is kept only as a
    /// <see cref="PplxInnerException"/> chain: its type and its message redacted and escaped, never the object, whose
    /// message, Data or properties could hold a key that Get-Error or Export-Clixml would print.</summary>
    public PplxException(string message, Exception? innerException = null)
        : base(Api.OutsideText.Escape(message), PplxInnerException.From(innerException))
    {
    }

    /// <summary>The fingerprint of the key the failed call used, when one was involved.</summary>
    public string? Fingerprint { get; private set; }

    internal PplxException WithFingerprintCore(string fingerprint)
    {
        Fingerprint = fingerprint;
        return this;
    }
}

/// <summary>What is kept of a foreign exception: its type's name and its message, redacted and escaped.</summary>
public sealed class PplxInnerException : Exception
{
    private PplxInnerException(string typeName, string message, Exception? inner)
        : base(message, inner)
    {
        OriginalType = typeName;
    }

    /// <summary>The full name of the exception this stands for.</summary>
    public string OriginalType { get; }

    /// <summary>The chain as it may be shown: the module's own exceptions as they are, any other as a safe copy.</summary>
    internal static Exception? From(Exception? e)
    {
        if (e is null || e is PplxException || e is PplxInnerException)
        {
            return e;
        }

        int depth = 0;
        var chain = new System.Collections.Generic.List<Exception>();
        for (Exception? x = e; x is not null && depth < 8; x = x.InnerException, depth++)
        {
            chain.Add(x);
        }

        Exception? safe = null;
        for (int i = chain.Count - 1; i >= 0; i--)
        {
            Exception x = chain[i];
            safe = x is PplxException ? x : new PplxInnerException(x.GetType().FullName ?? x.GetType().Name, Api.OutsideText.Escape(Api.ApiErrorMapper.Redact(x.Message)), safe);
        }

        return safe;
    }
}

/// <summary>Key text that cannot be a key (empty, white space, control characters).</summary>
public sealed class PplxKeyFormatException : PplxException
{
    /// <summary>Creates the exception.</summary>
    public PplxKeyFormatException(string message)
        : base(message)
    {
    }
}

/// <summary>A setting the module cannot use: a base URI that is malformed, not https, and so on.</summary>
public sealed class PplxConfigurationException : PplxException
{
    /// <summary>Creates the exception.</summary>
    public PplxConfigurationException(string message, string setting, Exception? innerException = null)
        : base(message, innerException)
    {
        Setting = setting;
    }

    /// <summary>The setting at fault (e.g. <c>BaseUri</c>).</summary>
    public string Setting { get; }
}

/// <summary>The API answered with a status other than 2xx.</summary>
public class PplxApiException : PplxException
{
    /// <summary>Creates the exception.</summary>
    public PplxApiException(string message, int statusCode, string? errorType, TimeSpan? retryAfter, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        ErrorType = errorType;
        RetryAfter = retryAfter;
    }

    /// <summary>The HTTP status code.</summary>
    public int StatusCode { get; }

    /// <summary>The <c>error.type</c> of the JSON envelope, when the body was JSON.</summary>
    public string? ErrorType { get; }

    /// <summary>The server's Retry-After, when it sent one.</summary>
    public TimeSpan? RetryAfter { get; }
}

/// <summary>401: the key was refused.</summary>
public sealed class PplxUnauthorizedException : PplxApiException
{
    /// <summary>Creates the exception.</summary>
    public PplxUnauthorizedException(string message, int statusCode, string? errorType)
        : base(message, statusCode, errorType, null)
    {
    }
}

/// <summary>403: the key authenticated but may not do this.</summary>
public sealed class PplxForbiddenException : PplxApiException
{
    /// <summary>Creates the exception.</summary>
    public PplxForbiddenException(string message, int statusCode, string? errorType)
        : base(message, statusCode, errorType, null)
    {
    }
}

/// <summary>429: the organisation's rate limit is spent (and retrying did not help).</summary>
public sealed class PplxRateLimitedException : PplxApiException
{
    /// <summary>Creates the exception.</summary>
    public PplxRateLimitedException(string message, int statusCode, string? errorType, TimeSpan? retryAfter)
        : base(message, statusCode, errorType, retryAfter)
    {
    }
}

/// <summary>404: what the request named does not exist (for a revocation: an unknown or already revoked key).</summary>
public sealed class PplxNotFoundException : PplxApiException
{
    /// <summary>Creates the exception.</summary>
    public PplxNotFoundException(string message, int statusCode, string? errorType)
        : base(message, statusCode, errorType, null)
    {
    }
}

/// <summary>Another 4xx: the API refused the request as malformed.</summary>
public sealed class PplxBadRequestException : PplxApiException
{
    /// <summary>Creates the exception.</summary>
    public PplxBadRequestException(string message, int statusCode, string? errorType)
        : base(message, statusCode, errorType, null)
    {
    }
}

/// <summary>The path called is retired, migrated or gone (403 <c>chat_completions_not_available</c> or
/// <c>agent_api_migration_required</c>, 405, 410): the answer says nothing about the key.</summary>
public sealed class PplxEndpointRetiredException : PplxApiException
{
    /// <summary>Creates the exception.</summary>
    public PplxEndpointRetiredException(string message, int statusCode, string? errorType)
        : base(message, statusCode, errorType, null)
    {
    }
}

/// <summary>5xx: the API failed (and retrying did not help).</summary>
public sealed class PplxServerException : PplxApiException
{
    /// <summary>Creates the exception.</summary>
    public PplxServerException(string message, int statusCode, string? errorType, TimeSpan? retryAfter)
        : base(message, statusCode, errorType, retryAfter)
    {
    }
}

/// <summary>No usable answer: connection refused or reset, timeout.</summary>
public sealed class PplxConnectionException : PplxException
{
    /// <summary>Creates the exception.</summary>
    public PplxConnectionException(string message, bool isTimeout, Exception? innerException)
        : base(message, innerException)
    {
        IsTimeout = isTimeout;
        IsConnectionRefused = Refused(innerException);
    }

    /// <summary>True when the connection was refused: the request provably never reached the API.</summary>
    public bool IsConnectionRefused { get; }

    private static bool Refused(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when a timeout, not a network error, ended the call.</summary>
    public bool IsTimeout { get; }

    /// <summary>True when a proxy refused to authenticate the client (407): the proxy wants credentials.</summary>
    public bool IsProxyAuthenticationFailure { get; init; }
}

/// <summary>An answer the client cannot use: not JSON, missing fields, too large, a redirect.</summary>
public sealed class PplxProtocolException : PplxException
{
    /// <summary>Creates the exception.</summary>
    public PplxProtocolException(string message, int? statusCode, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
    }

    /// <summary>The HTTP status of the unusable answer, when one came.</summary>
    public int? StatusCode { get; }
}

/// <summary>
/// A mint whose outcome is unknown: the request may have reached the server and created a key
/// whose answer was lost. The key can be found in the Perplexity portal by <see cref="TokenName"/>.
/// </summary>
public sealed class PplxMintOutcomeUnknownException : PplxException
{
    /// <summary>Creates the exception.</summary>
    public PplxMintOutcomeUnknownException(string message, string tokenName, Exception? innerException)
        : base(message, innerException)
    {
        TokenName = tokenName;
    }

    /// <summary>The token name the key may have been minted under.</summary>
    public string TokenName { get; }
}

/// <summary>No key was given to authorize a call that needs one.</summary>
public sealed class PplxApiKeyMissingException : PplxException
{
    /// <summary>Creates the exception.</summary>
    public PplxApiKeyMissingException(string message)
        : base(message)
    {
    }
}

/// <summary>A token name the module will not send (empty, too long, control characters).</summary>
public sealed class PplxTokenNameException : PplxException
{
    /// <summary>Creates the exception.</summary>
    public PplxTokenNameException(string message)
        : base(message)
    {
    }
}
