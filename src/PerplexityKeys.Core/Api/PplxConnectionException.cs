namespace PerplexityKeys.Core;

/// <summary>No usable answer: connection refused or reset, timeout.</summary>
public sealed class PplxConnectionException : PplxException
{
    /// <summary>Creates the exception.</summary>
    public PplxConnectionException(string message, bool isTimeout, Exception? innerException)
        : base(message, innerException)
    {
        IsTimeout = isTimeout;
        IsConnectionRefused = Refused(innerException);
    }

    /// <summary>True when the connection was refused: the request provably never reached the API.</summary>
    public bool IsConnectionRefused { get; }

    private static bool Refused(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when a timeout, not a network error, ended the call.</summary>
    public bool IsTimeout { get; }

    /// <summary>True when a proxy refused to authenticate the client (407): the proxy wants credentials.</summary>
    public bool IsProxyAuthenticationFailure { get; init; }
}
