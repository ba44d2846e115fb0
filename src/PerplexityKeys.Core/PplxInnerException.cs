namespace PerplexityKeys.Core;

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
