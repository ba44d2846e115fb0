using System.Collections.Concurrent;
using PerplexityKeys.Core.Api;

namespace PerplexityKeys.Core.Tests.Support;

public sealed class RecordingObserver : IPplxCallObserver
{
    public ConcurrentQueue<PplxRetryNotice> Retries { get; } = new();

    public void OnRetry(PplxRetryNotice notice) => Retries.Enqueue(notice);
}
