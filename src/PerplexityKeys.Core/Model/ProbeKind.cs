namespace PerplexityKeys.Core.Model;

/// <summary>How a key is probed.</summary>
public enum ProbeKind
{
    /// <summary>GET /async/chat/completions: lists the account's async jobs. Costs nothing and
    /// draws on a generous rate limit; proves the key authenticates.</summary>
    Free,

    /// <summary>POST /chat/completions with model <c>sonar</c> and max_tokens 1: the documented
    /// check. Costs one paid request and spends the per-model rate limit; proves model access too.</summary>
    Completion,
}
