using System;
using System.Collections;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Reflection;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using PerplexityKeys.Core;
using PerplexityKeys.Core.Api;
using PerplexityKeys.Core.Model;

namespace PerplexityKeys;

/// <summary>
/// What every PerplexityKeys cmdlet shares: -BaseUri, resolving the authorizing key, one client
/// per base URI, a cancellation source that Ctrl+C (StopProcessing) fires, a pump that brings
/// messages from HTTP work back to the pipeline thread, and the one map from core exceptions to ErrorRecords.
/// </summary>
public abstract class PplxCmdlet : PSCmdlet, IDisposable
{
    /// <summary>The environment variable the official SDKs read the key from.</summary>
    public const string ApiKeyVariable = "PERPLEXITY_API_KEY";

    /// <summary>The environment variable that overrides the default base URI.</summary>
    public const string BaseUriVariable = "PERPLEXITY_BASE_URL";

    private static readonly ConcurrentDictionary<Uri, PplxClient> Clients = new();
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>
    /// <para type="description">The API's base URI. Default: the base URI a PplxToken remembers, else $env:PERPLEXITY_BASE_URL, else https://api.perplexity.ai. Plain http is allowed only to loopback.</para>
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? BaseUri { get; set; }

    /// <summary>Cancelled when the user presses Ctrl+C.</summary>
    protected CancellationToken StopToken => _stopping.Token;

    /// <inheritdoc />
    public void Dispose()
    {
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>The one map from exceptions to ErrorRecords: a stable ErrorId and the real category.</summary>
    internal static ErrorRecord ToErrorRecord(Exception error, object? target)
    {
        (string id, ErrorCategory category) = error switch
        {
            PplxApiKeyMissingException => (ErrorIds.ApiKeyNotFound, ErrorCategory.ObjectNotFound),
            PplxKeyFormatException => (ErrorIds.KeyMalformed, ErrorCategory.InvalidArgument),
            PplxTokenNameException => (ErrorIds.TokenNameInvalid, ErrorCategory.InvalidArgument),
            PplxConfigurationException => (ErrorIds.BaseUriInvalid, ErrorCategory.InvalidArgument),
            PplxUnauthorizedException => (ErrorIds.ApiKeyUnauthorized, ErrorCategory.AuthenticationError),
            PplxForbiddenException => (ErrorIds.ApiKeyForbidden, ErrorCategory.PermissionDenied),
            PplxRateLimitedException => (ErrorIds.ApiRateLimited, ErrorCategory.LimitsExceeded),
            PplxNotFoundException => (ErrorIds.TokenNotFound, ErrorCategory.ObjectNotFound),
            PplxBadRequestException => (ErrorIds.ApiRequestRejected, ErrorCategory.InvalidArgument),
            PplxServerException => (ErrorIds.ApiServerError, ErrorCategory.ResourceUnavailable),
            PplxConnectionException { IsTimeout: true } => (ErrorIds.ApiTimeout, ErrorCategory.OperationTimeout),
            PplxConnectionException => (ErrorIds.ApiUnreachable, ErrorCategory.ConnectionError),
            PplxProtocolException => (ErrorIds.ApiResponseInvalid, ErrorCategory.InvalidResult),
            PplxMintOutcomeUnknownException => (ErrorIds.TokenMintOutcomeUnknown, ErrorCategory.InvalidResult),
            _ => (ErrorIds.Unexpected, ErrorCategory.NotSpecified),
        };
        var record = new ErrorRecord(error, id, category, target);
        if (error is PplxApiException { RetryAfter: { } retry })
        {
            record.ErrorDetails = new ErrorDetails(error.Message)
            {
                RecommendedAction = $"Wait {retry.TotalSeconds:0} s and run the command again.",
            };
        }

        return record;
    }

    /// <summary>Ctrl+C: cancel every HTTP call in flight.</summary>
    protected override void StopProcessing() => _stopping.Cancel();

    /// <summary>The base URI to use: -BaseUri, else the one the input remembers, else the environment, else the default.</summary>
    protected Uri ResolveBaseUri(Uri? remembered)
    {
        if (BaseUri is not null)
        {
            return BaseUriPolicy.Validate(BaseUri);
        }

        if (remembered is not null)
        {
            return BaseUriPolicy.Validate(remembered);
        }

        string? fromEnvironment = Environment.GetEnvironmentVariable(BaseUriVariable);
        return string.IsNullOrWhiteSpace(fromEnvironment) ? BaseUriPolicy.Default : BaseUriPolicy.Validate(fromEnvironment);
    }

    /// <summary>The key that authorizes a mint or revoke: -ApiKey, else $env:PERPLEXITY_API_KEY.</summary>
    protected ApiKey ResolveAuthorizingKey(SecureString? apiKey)
    {
        ApiKey key = apiKey is not null
            ? ApiKey.FromSecureString(apiKey)
            : Environment.GetEnvironmentVariable(ApiKeyVariable) is { Length: > 0 } text
                ? ApiKey.Create(text)
                : throw new PplxApiKeyMissingException($"No key authorizes this call: pass -ApiKey (a SecureString), or set $env:{ApiKeyVariable}.");
        WarnOnOddShape(key);
        return key;
    }

    /// <summary>Warns (and goes on) when a key does not look like pplx- plus 48 letters or digits.</summary>
    protected void WarnOnOddShape(ApiKey key)
    {
        if (!key.HasExpectedShape)
        {
            WriteWarning($"The key {key.Fingerprint} does not look like a Perplexity key ('pplx-' and 48 letters or digits); using it anyway.");
        }
    }

    /// <summary>The session's client for a base URI (one HttpClient each, for the life of the process).</summary>
    protected PplxClient ClientFor(Uri baseUri) =>
        Clients.GetOrAdd(baseUri, uri => new PplxClient(new PplxClientOptions { BaseUri = uri, UserAgent = UserAgent() }));

    /// <summary>
    /// Runs HTTP work off the pipeline thread while this thread writes its messages (retries go to
    /// -Verbose); returns the result here. Ctrl+C cancels the work and stops the pipeline.
    /// </summary>
    protected T Run<T>(Func<IPplxCallObserver, CancellationToken, Task<T>> work)
    {
        using var messages = new BlockingCollection<string>();
        var observer = new QueueObserver(messages);
        Task<T> task = Task.Run(() => work(observer, StopToken), StopToken);
        task.ContinueWith(_ => messages.CompleteAdding(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        foreach (string message in messages.GetConsumingEnumerable())
        {
            WriteVerbose(message);
        }

        try
        {
            return task.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    /// <summary>
    /// The keys of one ProcessRecord call, from either input set, each with the token it came in
    /// (when it came as a PplxToken). A key that cannot be a key is reported as an item error and skipped.
    /// </summary>
    protected System.Collections.Generic.IEnumerable<(ApiKey Key, PplxToken? Token)> InputKeys(PplxToken[]? tokens, SecureString[]? keys)
    {
        foreach (PplxToken token in tokens ?? [])
        {
            ApiKey? key = ToApiKey(token.Key, token);
            if (key is not null)
            {
                yield return (key, token);
            }
        }

        foreach (SecureString secure in keys ?? [])
        {
            ApiKey? key = ToApiKey(secure, secure);
            if (key is not null)
            {
                yield return (key, null);
            }
        }
    }

    /// <summary>One failed item: a non-terminating error, and the pipeline goes on.</summary>
    protected void WriteItemError(Exception error, object? target) => WriteError(ToErrorRecord(error, target));

    /// <summary>Nothing can go on: a terminating error.</summary>
    protected void Fail(Exception error, object? target) => ThrowTerminatingError(ToErrorRecord(error, target));

    /// <summary>
    /// ShouldProcess that -Force lets through without a prompt, while -WhatIf still only reports.
    /// </summary>
    protected bool ShouldProcessOrForce(bool force, string target, string action)
    {
        bool confirmAsked = MyInvocation.BoundParameters.ContainsKey("Confirm");
        if (force && !confirmAsked && !IsWhatIf())
        {
            return true;
        }

        return ShouldProcess(target, action);
    }

    private ApiKey? ToApiKey(SecureString secure, object target)
    {
        try
        {
            ApiKey key = ApiKey.FromSecureString(secure);
            WarnOnOddShape(key);
            return key;
        }
        catch (PplxKeyFormatException e)
        {
            WriteItemError(e, target);
            return null;
        }
    }

    private bool IsWhatIf()
    {
        if (MyInvocation.BoundParameters.TryGetValue("WhatIf", out object? whatIf))
        {
            return whatIf is SwitchParameter s ? s.IsPresent : LanguagePrimitives.IsTrue(whatIf);
        }

        return LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));
    }

    private string UserAgent()
    {
        string module = typeof(PplxCmdlet).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0] ?? "0.0.0";
        object? psVersion = (GetVariableValue("PSVersionTable") as IDictionary)?["PSVersion"];
        return $"PerplexityKeys/{module} PowerShell/{psVersion ?? "unknown"}";
    }

    private sealed class QueueObserver(BlockingCollection<string> messages) : IPplxCallObserver
    {
        public void OnRetry(PplxRetryNotice notice)
        {
            try
            {
                messages.Add($"{notice.Operation}: {notice.Reason}; retry {notice.Attempt + 1} in {notice.Delay.TotalSeconds:0.##} s.");
            }
            catch (InvalidOperationException)
            {
                // The pump has closed: the work is over.
            }
        }
    }
}
