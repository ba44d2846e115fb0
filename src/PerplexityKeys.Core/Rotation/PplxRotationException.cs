namespace PerplexityKeys.Core.Rotation;

/// <summary>A rotation that could not go on. <see cref="Result"/> tells where it stands.</summary>
public sealed class PplxRotationException : PplxException
{
    /// <summary>Creates the exception.</summary>
    public PplxRotationException(RotationFailure reason, string message, RotationResult result, Exception? innerException = null)
        : base(message, innerException)
    {
        Reason = reason;
        Result = result;
    }

    /// <summary>Why it stopped.</summary>
    public RotationFailure Reason { get; }

    /// <summary>Where the rotation stands.</summary>
    public RotationResult Result { get; }
}
