using System.Threading;
using PerplexityKeys.Core.Api;

namespace PerplexityKeys;

// A command's lifetime: Ctrl+C cancels a token every call observes; disposal stops what is still in flight and lets go of
// the command's own clients.
public abstract partial class PplxCmdlet
{
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Cancelled when the user presses Ctrl+C.</summary>
    protected CancellationToken StopToken => _stopping.Token;

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            Abandon();
        }
        catch (Exception e) when (e is PipelineStoppedException or PplxException)
        {
            // The command is gone; what could be recorded of its work in flight was recorded by Abandon.
        }

        _stopping.Dispose();
        foreach (PplxClient own in _ownClients.Values)
        {
            own.Dispose();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Ctrl+C: cancel every HTTP call in flight.</summary>
    protected override void StopProcessing() => _stopping.Cancel();

    /// <summary>
    /// On disposal, before anything is let go: work still in flight (the pipeline stopped while its thread was elsewhere,
    /// so EndProcessing never ran) is stopped and recorded.
    /// </summary>
    protected virtual void Abandon()
    {
    }
}
