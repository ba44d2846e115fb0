using System.Collections;
using System.Reflection;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using PerplexityKeys.Core.Api;
using PerplexityKeys.Core.Rotation;

namespace PerplexityKeys;

/// <summary>
/// What every PerplexityKeys cmdlet shares: -BaseUri, resolving the authorizing key, one client
/// per base URI, a cancellation source that Ctrl+C (StopProcessing) fires, a pump that brings
/// messages from HTTP work back to the pipeline thread, and the one map from core exceptions to ErrorRecords. Every error
/// and warning it writes also reaches a pipeline system's log (CiLoggedCmdlet).
/// </summary>
public abstract partial class PplxCmdlet : CiLoggedCmdlet, IDisposable
{
    /// <summary>The environment variable the official SDKs read the key from.</summary>
    public const string ApiKeyVariable = "PERPLEXITY_API_KEY";

    /// <summary>The environment variable that overrides the default base URI.</summary>
    public const string BaseUriVariable = "PERPLEXITY_BASE_URL";

    private readonly HeldErrors _held = new();
    private CommandProgress? _progress;
    private string? _secretManagementModule;
    private readonly Dictionary<Uri, PplxClient> _ownClients = [];

    /// <summary>
    /// <para type="description">The API's base URI. Default: the base URI a PplxToken remembers, else $env:PERPLEXITY_BASE_URL, else https://api.perplexity.ai. Plain http is allowed only to loopback.</para>
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? BaseUri { get; set; }

    /// <summary>
    /// <para type="description">How long one HTTP attempt, and one vault call, may take, in seconds (default 30). Retries and waits come on top, up to four times this or 120 s in all. A vault call that takes longer (a hung vault, or a password prompt left unanswered) is abandoned with VaultTimeout; since it may still complete, the session makes no other vault call, and a rotation keeps its lock on the vault, until it returns.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(1, 3600)]
    public int TimeoutSec { get; set; } = 30;

    /// <summary>
    /// <para type="description">A proxy for https calls, as Invoke-RestMethod's -Proxy. Default: the system's proxy (HTTPS_PROXY, the OS settings). A loopback base URI never goes through a proxy.</para>
    /// </summary>
    [Parameter]
    public Uri? Proxy { get; set; }

    /// <summary>
    /// <para type="description">Credentials for -Proxy (or the system's proxy), as Invoke-RestMethod's -ProxyCredential.</para>
    /// </summary>
    [Parameter]
    [Credential]
    public PSCredential? ProxyCredential { get; set; }

    /// <summary>The environment variable that sets -MaxRequestsPerMinute when it is not given.</summary>
    public const string MaxRequestsPerMinuteVariable = "PERPLEXITYKEYS_MAX_RPM";

    /// <summary>
    /// <para type="description">The most requests a minute this session sends to the API (one limit per base URI, shared by every command of the session, since the organisation's limit is shared by all its keys). Requests beyond it wait their turn. Default: $env:PERPLEXITYKEYS_MAX_RPM, else none: then requests are paced only by the API's own 429 answers, each of which holds back every request to that API for its Retry-After. Set it to your tier's limit (50 for the lowest) for big batches.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(0, 100000)]
    public int MaxRequestsPerMinute { get; set; }

    /// <summary>
    /// <para type="description">How long one call may wait out the API's rate limit (429 with Retry-After, or the pause another request's 429 set) before it is reported RateLimited. A rotation that has minted waits rather than stopping half-way. Default: 10 minutes.</para>
    /// </summary>
    [Parameter]
    [ValidateTimeSpan("00:00:00", "1.00:00:00")]
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The environment variable naming the audit log when -AuditLog is not given.</summary>
    public const string AuditLogVariable = "PERPLEXITYKEYS_AUDIT_LOG";

    /// <summary>
    /// <para type="description">Append one JSON line per change to this file: every mint, store, revocation and rotation step, and every failure (time, user, machine, command, vault, secret, run id, step, duration, outcome, fingerprints as shown, the ErrorId and its message; never a key). Lines from processes that write at once stay whole. Default: $env:PERPLEXITYKEYS_AUDIT_LOG, when set.</para>
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? AuditLog { get; set; }

    /// <summary>
    /// <para type="description">Unlocks the vaults used (Unlock-SecretVault) before use; nothing ever prompts. Takes a SecureString or a PSCredential (e.g. from Get-Secret).</para>
    /// </summary>
    [Parameter]
    [SecureStringTransformation]
    public SecureString? VaultPassword { get; set; }

    /// <summary>
    /// True for a helper secret of a rotation (pending, previous, journal), which is never a key of its own: piped in
    /// (from Get-SecretInfo) it is skipped with a verbose line; named directly, or always when <paramref name="alwaysAnError"/>
    /// (a mint: its input is what the user means to create), it is an error (SecretIsRotationHelper).
    /// </summary>
    internal bool IsRotationHelper(string secretName, bool alwaysAnError = false)
    {
        if (!SiblingNames.IsSiblingName(secretName))
        {
            return false;
        }

        string shown = OutsideText.Escape(secretName);
        if (MyInvocation.ExpectingInput && !alwaysAnError)
        {
            WriteVerbose($"Skipped '{shown}': it is a helper secret of a rotation (pending key, previous key or journal), not a key of its own.");
        }
        else
        {
            WriteItemError(
                new PplxConfigurationException($"'{shown}' is a helper secret of a rotation (pending key, previous key or journal), not a key of its own; name the secret it belongs to.", "RotationHelper"),
                shown);
        }

        return true;
    }

    /// <summary>True for a command that never asks the user anything through a vault (Get-PplxToken): see HostPrompts.</summary>
    internal virtual bool NeverPrompts => false;

    /// <summary>False for a command that writes none of the module's objects this time (Test-PplxToken -Quiet writes
    /// booleans): it does not load the views, which only a session that shows our objects uses.</summary>
    protected virtual bool WritesViewedObjects => true;

    /// <summary>Every command starts here: the session gets the module's CLIXML rule (if the import could not add it) and
    /// views (see TokenSerialization, FormatViews), then the command's own <see cref="Begin"/> runs.</summary>
    protected sealed override void BeginProcessing()
    {
        BeforeBegin();
        TokenSerialization.EnsureApplied(this);
        if (WritesViewedObjects)
        {
            FormatViews.EnsureLoaded(this);
        }

        Begin();
    }

    /// <summary>A kind of command's checks of what was bound on the command line, before anything else (KeyInputCmdlet).</summary>
    private protected virtual void BeforeBegin()
    {
    }

    /// <summary>The command's own BeginProcessing.</summary>
    protected virtual void Begin()
    {
    }

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

    /// <summary>Warns (and goes on) when a key does not look like pplx- plus 48 letters or digits.</summary>
    internal void WarnOnOddShape(ApiKey key)
    {
        if (!key.HasExpectedShape)
        {
            WriteWarning($"The key {key.Fingerprint} does not look like a Perplexity key ('pplx-' and 48 letters or digits); using it anyway.");
        }
    }

    /// <summary>The session's client for a base URI (SessionClients); with -Proxy or -ProxyCredential, one of this command's own.</summary>
    protected PplxClient ClientFor(Uri baseUri)
    {
        int? rate = MyInvocation.BoundParameters.ContainsKey(nameof(MaxRequestsPerMinute)) ? MaxRequestsPerMinute
            : int.TryParse(Environment.GetEnvironmentVariable(MaxRequestsPerMinuteVariable), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int fromEnvironment) && fromEnvironment >= 0 ? fromEnvironment
            : null;
        var settings = new SessionClients.Settings(baseUri, TimeoutSec, MaxWait, UserAgent(), rate);
        if (Proxy is null && ProxyCredential is null)
        {
            return SessionClients.For(settings);
        }

        // A proxy of this command's own: clients of its own, not shared with the session, disposed with the command.
        if (!_ownClients.TryGetValue(baseUri, out PplxClient? own))
        {
            _ownClients[baseUri] = own = SessionClients.New(settings, SessionClients.Proxy(Proxy, ProxyCredential));
        }

        return own;
    }

    /// <summary>
    /// Runs async work (HTTP, rotations) off the pipeline thread while this thread serves it:
    /// verbose messages and vault calls the work posts run here. Ctrl+C cancels the work.
    /// </summary>
    internal T Run<T>(Func<PipelineDispatcher, CancellationToken, Task<T>> work)
    {
        using var dispatcher = new PipelineDispatcher(message => WriteVerbose(OutsideText.Escape(message)));
        Task<T> task = Task.Run(() => work(dispatcher, StopToken), StopToken);
        try
        {
            return dispatcher.Drain(task);
        }
        catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    /// <summary>SecretManagement as this command's session has it (for the module's runspaces); looked up once, on the pipeline thread.</summary>
    internal string SecretManagementModule => _secretManagementModule ??= VaultRunspaces.ModuleOf(this);

    /// <summary>A SecretManagement vault for the core, its calls waited for on this cmdlet's pipeline thread, each up to -TimeoutSec or Ctrl+C.</summary>
    internal SecretManagementVault VaultFor(string? vault, SecureString? password = null) =>
        new(this, vault, TimeSpan.FromSeconds(TimeoutSec), password, StopToken);

    /// <summary>Unlocks a vault with -VaultPassword when one was given (never prompts).</summary>
    internal void UnlockIfAsked(string? vault, SecureString? password)
    {
        if (password is not null && vault is not null)
        {
            VaultFor(vault).Unlock(password);
        }
    }

    /// <summary>Appends audit lines to -AuditLog (or $env:PERPLEXITYKEYS_AUDIT_LOG); a log that cannot be written is a warning.</summary>
    protected void Audit(IEnumerable<AuditEntry> entries) => AuditTrail.Write(this, AuditLog ?? Environment.GetEnvironmentVariable(AuditLogVariable), entries);

    /// <summary>One failed item: a non-terminating error, and the pipeline goes on.</summary>
    internal void WriteItemError(Exception error, object? target)
    {
        ErrorRecord record = ErrorRecords.For(error, target);
        if (HeldErrors.StopsOnError(this))
        {
            // Under -ErrorAction Stop the first WriteError would end the batch: every item is attempted first, and the
            // failures are reported together when the batch is over (EndProcessing).
            _held.Hold(record);
            return;
        }

        WriteError(record);
    }

    /// <summary>Reports the failures a batch under -ErrorAction Stop held back: one as it is, several as one error that lists them all.</summary>
    protected override void EndProcessing()
    {
        Progress.Complete();
        if (_held.Summary("every item was attempted") is { } summary)
        {
            ThrowTerminatingError(summary);
        }
    }

    /// <summary>This command's Write-Progress: the items of a batch, and waits.</summary>
    internal CommandProgress Progress => _progress ??= new CommandProgress(this, MyInvocation.MyCommand.Name);

    /// <summary>Nothing can go on: a terminating error (with any failures a batch under -ErrorAction Stop held back).</summary>
    protected void Fail(Exception error, object? target) => ThrowTerminatingError(_held.With(ErrorRecords.For(error, target)));

    /// <summary>
    /// ShouldProcess that -Force lets through without a prompt, while -WhatIf still only reports.
    /// </summary>
    protected bool ShouldProcessOrForce(bool force, string target, string action)
    {
        bool confirmAsked = MyInvocation.BoundParameters.ContainsKey("Confirm");
        if (force && !confirmAsked && !Confirmation.IsWhatIf(this))
        {
            return true;
        }

        if (!Confirmation.IsWhatIf(this) && Confirmation.WouldAskHigh(this) && !Confirmation.CanPrompt())
        {
            // A scheduled task or pipeline step has nobody to answer: say so at once, and how to go on.
            ThrowTerminatingError(_held.With(ErrorRecords.For(
                new PplxConfigurationException(
                    $"{action} of {OutsideText.Escape(target)} needs a confirmation, and this session cannot ask for one (it runs non-interactively, or its input is not a terminal). Pass -Force (or -Confirm:$false) to go on without asking, or -WhatIf to see what would be done.",
                    "Confirmation"),
                target)));
        }

        // -WhatIf and -Verbose print these: names from outside are escaped, so none can start a line of its own.
        return ShouldProcess(OutsideText.Escape(target), OutsideText.Escape(action));
    }

    private string UserAgent()
    {
        string module = typeof(PplxCmdlet).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0] ?? "0.0.0";
        object? psVersion = (GetVariableValue("PSVersionTable") as IDictionary)?["PSVersion"];
        return $"PerplexityKeys/{module} PowerShell/{psVersion ?? "unknown"}";
    }
}
