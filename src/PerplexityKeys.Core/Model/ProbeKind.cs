namespace PerplexityKeys.Core.Model;

/// <summary>How a key is probed. Neither probe touches the retired Sonar chat paths.</summary>
public enum ProbeKind
{
    /// <summary><c>GET /v1/models</c>: lists the models the key can use. Runs no model and costs nothing;
    /// 200 with a list proves the key works, 401 proves it does not. With a model named, also checks that
    /// the model is in the list.</summary>
    Free,

    /// <summary><c>POST /v1/agent</c> with the model (default <c>perplexity/sonar</c>), a one-word input and at most
    /// <see cref="Api.PplxClient.CompletionProbeMaxOutputTokens"/> output tokens: proves the key can run the model.
    /// Costs one paid request (a few tokens plus the model's per-request fee) and spends the organisation's rate limit.</summary>
    Completion,
}
