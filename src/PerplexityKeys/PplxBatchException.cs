namespace PerplexityKeys;

/// <summary>Several items of one batch failed under -ErrorAction Stop; <see cref="Errors"/> holds each item's own error.</summary>
public sealed class PplxBatchException : Exception
{
    internal PplxBatchException(string message, IReadOnlyList<ErrorRecord> errors)
        : base(message)
    {
        Errors = errors;
    }

    /// <summary>The error of each failed item, in the order the items came.</summary>
    public IReadOnlyList<ErrorRecord> Errors { get; }
}
