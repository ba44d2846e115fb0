namespace PerplexityKeys.Core;

// The core's typed exceptions (this base and one file per type, beside the layer that throws it: Api/, Model/,
// Vault/, Rotation/; all keep their namespaces). Each keeps its inner exception and carries facts (status,
// retry-after, fingerprint), never a key. The cmdlet layer maps each type to one ErrorId.

/// <summary>Base of every error the core raises on purpose.</summary>
public class PplxException : Exception
{
    /// <summary>Creates the exception. Its message is escaped (names from vaults and users hold no control or
    /// formatting characters when printed). A foreign inner exception (HTTP, a vault, a user's script block) is kept only as a
    /// <see cref="PplxInnerException"/> chain: its type and its message redacted and escaped, never the object, whose
    /// message, Data or properties could hold a key that Get-Error or Export-Clixml would print.</summary>
    public PplxException(string message, Exception? innerException = null)
        : base(Api.OutsideText.Escape(message), PplxInnerException.From(innerException))
    {
    }

    /// <summary>The fingerprint of the key the failed call used, when one was involved.</summary>
    public string? Fingerprint { get; private set; }

    internal PplxException WithFingerprintCore(string fingerprint)
    {
        Fingerprint = fingerprint;
        return this;
    }
}
