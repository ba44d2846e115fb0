namespace PerplexityKeys.Emulator;

/// <summary>How the emulator answers the cases the API documentation leaves open.</summary>
public enum UndocumentedAnswer
{
    /// <summary>404 not_found (the default: the strictest plausible answer).</summary>
    NotFound,

    /// <summary>400 invalid_request.</summary>
    BadRequest,

    /// <summary>200, as if the revocation happened.</summary>
    Ok,
}
