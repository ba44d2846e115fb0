using System.Globalization;

namespace PerplexityKeys;

/// <summary>
/// Refuses a TimeSpan outside [Minimum, Maximum] at parameter binding, with a message that names the range: no
/// negative waits, and none so long that a timer cannot hold it (a rotation would stop half-way instead).
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ValidateTimeSpanAttribute(string minimum, string maximum) : ValidateArgumentsAttribute
{
    /// <summary>The shortest span accepted, as TimeSpan text (e.g. "00:00:00").</summary>
    public TimeSpan Minimum { get; } = TimeSpan.Parse(minimum, CultureInfo.InvariantCulture);

    /// <summary>The longest span accepted, as TimeSpan text (e.g. "30.00:00:00").</summary>
    public TimeSpan Maximum { get; } = TimeSpan.Parse(maximum, CultureInfo.InvariantCulture);

    /// <inheritdoc />
    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
        object? value = arguments is PSObject wrapped ? wrapped.BaseObject : arguments;
        if (value is TimeSpan span && (span < Minimum || span > Maximum))
        {
            throw new ValidationMetadataException(
                string.Format(CultureInfo.InvariantCulture, "{0} is outside the range this parameter takes: from {1} to {2}.", span, Minimum, Maximum));
        }
    }
}
