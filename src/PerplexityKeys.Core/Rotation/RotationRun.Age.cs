using PerplexityKeys.Core.Inventory;

namespace PerplexityKeys.Core.Rotation;

/// <summary>-MaxAge: whether a secret with no rotation under way is due (docs/rotation.md, "The journal as the record of the key's age").</summary>
internal sealed partial class RotationRun
{
    /// <summary>True (and the result says so) when the key S holds is younger than <paramref name="maxAge"/>, or of unknown age with SkipUnknownAge.</summary>
    private bool NotDue(TimeSpan maxAge)
    {
        TimeSpan? age = KeyStandings.Of(_current.Fingerprint, _lastRecord, Now).Age;
        Result.Age = age;
        if (KeyStandings.IsDue(age, maxAge, _request.SkipUnknownAge))
        {
            _engine.Narrate(age is null
                ? $"The age of {_current.Fingerprint} in '{_names.Secret}' is unknown (the journal does not record it): rotating it."
                : $"{_current.Fingerprint} in '{_names.Secret}' is {age.Value.TotalDays:0.#} days old, at least the maximum age: rotating it.");
            return false;
        }

        Result.NotDue = true;
        _engine.Narrate(age is null
            ? $"Not rotating '{_names.Secret}': the age of {_current.Fingerprint} is unknown, and unknown ages are skipped."
            : $"Not rotating '{_names.Secret}': {_current.Fingerprint} is {age.Value.TotalDays:0.#} days old, younger than the maximum age of {maxAge.TotalDays:0.#} days.");
        return true;
    }
}
