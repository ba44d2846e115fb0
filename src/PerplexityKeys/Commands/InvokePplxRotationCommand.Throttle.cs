using System.Threading.Tasks;
using PerplexityKeys.Core.Api;
using PerplexityKeys.Core.Rotation;

namespace PerplexityKeys.Commands;

// -ThrottleLimit: the rotations of a batch run up to the limit at once (OrderedWork), their vault calls one at a time on
// the pipeline thread, their vault locks shared (RotationLocks); each rotation's result, errors and audit lines are
// written in input order, once it and every earlier one are done.
public sealed partial class InvokePplxRotationCommand
{
    private readonly RotationLocks _locks = new();
    private OrderedWork<RotationResult>? _work;

    /// <summary>
    /// <para type="description">How many secrets are rotated at once (default 1: one after another). Their HTTP calls overlap; their vault calls are still made one at a time on the command's own thread (SecretManagement is not thread-safe), each rotation's in its own order, and the rotations of one vault share the command's lock on it (one writer per vault: taken once, with one wait for the vault's cache window, let go when the last of them ends). Results, errors and audit lines keep the input order; Ctrl+C stops every rotation in flight, and each writes its audit line; the organisation's rate limit (-MaxRequestsPerMinute) paces them all.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = 1;

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        _work?.Finish();
        _work?.Dispose();
        base.EndProcessing();
    }

    /// <inheritdoc />
    protected override void Abandon() => _work?.Abandon();

    /// <summary>On the pipeline thread: starts the rotation of one item; its result is written in input order.</summary>
    private void Start(RotationItem item, PplxClient client, TimeSpan cacheWindow)
    {
        _work ??= new OrderedWork<RotationResult>(new PipelineDispatcher(message => WriteVerbose(OutsideText.Escape(message))) { Idle = Progress.Tick }, ThrottleLimit, StopToken);
        PipelineDispatcher dispatcher = _work.Dispatcher;
        var engine = new RotationEngine(client, new PipelineVault(VaultFor(item.Vault, VaultPassword), dispatcher), dispatcher.Verbose)
        {
            LockTimeout = LockTimeout,
            CacheWindow = cacheWindow,
            Locks = _locks,
        };
        RotationRequest request = Request(dispatcher, cacheWindow, client.BaseUri, item);
        _work.Start(
            (_, ct) => engine.RunAsync(request, ct),
            result => Written(result, item),
            error => Failed(error, engine.LastResult, item),
            work => Stopped(work, engine.LastResult));
    }

    private void Written(RotationResult result, RotationItem item)
    {
        Audit(result, null);
        WriteObject(new PplxRotationResult(result));
        Ci.Prepared(result);
        if (_handOn?.HandOnRotated(result, () => VaultFor(item.Vault, VaultPassword).ReadKey(item.SecretName)) is { } notHandedOn)
        {
            WriteItemError(notHandedOn, item.Target);
        }
    }

    private void Failed(Exception error, RotationResult? last, RotationItem item)
    {
        // Every run that got as far as the engine writes its result and its audit line, however it failed.
        RotationResult? partial = (error as PplxRotationException)?.Result ?? last;
        if (partial is null)
        {
            AuditNotStarted(error, item.Vault, item.SecretName);
            WriteItemError(error, item.Target);
            return;
        }

        Audit(partial, error);
        var result = new PplxRotationResult(partial);
        WriteObject(result);
        WriteItemError(error, result);
    }

    /// <summary>The command stopped before this rotation's result was written: its audit line says how far it got.</summary>
    private void Stopped(Task<RotationResult> work, RotationResult? last)
    {
        if (work.Status == TaskStatus.RanToCompletion)
        {
            Audit(work.Result, null);   // it ended; only its result could not be written
            return;
        }

        Exception? failure = work.Exception?.InnerException;
        if (((failure as PplxRotationException)?.Result ?? last) is { } partial)
        {
            Audit(partial, failure as PplxException ?? (Exception)new PipelineStoppedException());
        }
    }

    private void AuditNotStarted(Exception failure, string vault, string secretName) =>
        Audit([new AuditEntry(SystemClock.UtcNow, "Start", "Failed") { Vault = vault, Secret = secretName, Failure = ErrorRecords.FailureId(failure), Message = failure.Message }]);

    private void Audit(RotationResult result, Exception? failure) =>
        Audit(RotationAudit.Entries(result, failure is null ? null : ErrorRecords.FailureId(failure), failure?.Message, SystemClock.UtcNow));

    /// <summary>One secret of the batch, as its parameters were bound (later items rebind Vault and SecretName).</summary>
    private sealed class RotationItem(string vault, string secretName, string target)
    {
        public string Vault { get; } = vault;

        public string SecretName { get; } = secretName;

        public string Target { get; } = target;
    }
}
