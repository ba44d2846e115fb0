namespace PerplexityKeys.Emulator;

/// <summary>What an injected fault does to a request.</summary>
public enum FaultKind
{
    /// <summary>Answer with <see cref="Fault.Status"/> and <see cref="Fault.Body"/> (default: the API's error envelope for that status) instead of handling the request.</summary>
    Status,

    /// <summary>Abort the connection before answering (the client sees a reset).</summary>
    Reset,

    /// <summary>Wait <see cref="Fault.DelayMs"/>, then handle the request normally (a slow answer).</summary>
    Delay,

    /// <summary>Handle the request (a mint really mints), then send only the first half of the body.</summary>
    Truncate,

    /// <summary>Handle the request (a mint really mints, a revoke really revokes), then abort the connection: the answer is lost.</summary>
    LoseResponse,

    /// <summary>Handle the request (a mint really mints), send the status and headers, wait <see cref="Fault.DelayMs"/>, then send the body: an answer that has begun to arrive.</summary>
    DelayBody,
}
