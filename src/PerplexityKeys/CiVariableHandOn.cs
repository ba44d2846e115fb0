using System.IO;
using System.Linq;
using System.Security;
using System.Text.RegularExpressions;
using PerplexityKeys.Core.Rotation;

namespace PerplexityKeys;

/// <summary>
/// -CiVariable NAME: the one key a command makes current is handed on to the later steps of the pipeline job as a
/// secret variable (CiLog.HandOn). The name is checked, and the pipeline system found, before anything changes; one
/// variable holds one key, so a second item of the same command is refused rather than given a made-up name.
/// </summary>
internal sealed class CiVariableHandOn
{
    /// <summary>The longest name taken.</summary>
    public const int MaxNameLength = 100;

    // Prefixes Azure Pipelines keeps for its own variables; a user variable named so would not be the user's.
    private static readonly string[] AzurePipelinesReserved = ["endpoint", "input", "secret", "path", "securefile"];
    private static readonly Regex NameShape = new("^[A-Za-z0-9_.-]+$", RegexOptions.CultureInvariant);

    private readonly CiLog _log;
    private string? _holder;

    private CiVariableHandOn(string name, CiLog log)
    {
        Name = name;
        _log = log;
    }

    /// <summary>The variable's name.</summary>
    public string Name { get; }

    /// <summary>Null without -CiVariable; else the hand-on, once the name and the pipeline system are known to take it.</summary>
    /// <exception cref="PplxConfigurationException">The name cannot be a variable's (CiVariableInvalid), or nothing could take it here (CiVariableUnsupported).</exception>
    public static CiVariableHandOn? For(string? name, CiLog log)
    {
        if (name is null)
        {
            return null;
        }

        Validate(name, log.System);
        if (log.HandOnUnsupported is { } why)
        {
            throw new PplxConfigurationException(why, "CiSystem");
        }

        return new CiVariableHandOn(name, log);
    }

    /// <summary>Refuses a name that is not letters, digits, '_', '.' and '-' (up to 100), or that Azure Pipelines reserves.</summary>
    /// <exception cref="PplxConfigurationException">Setting CiVariable.</exception>
    public static void Validate(string name, CiSystem system)
    {
        if (name.Length > MaxNameLength || !NameShape.IsMatch(name))
        {
            throw new PplxConfigurationException($"'{Core.Api.OutsideText.Escape(name)}' cannot name a pipeline variable: use letters, digits, '_', '.' and '-', at most {MaxNameLength} of them.", "CiVariable");
        }

        string? reserved = AzurePipelinesReserved.FirstOrDefault(prefix => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));
        if (system == CiSystem.AzurePipelines && reserved is not null)
        {
            throw new PplxConfigurationException($"'{name}' starts with '{reserved}', which Azure Pipelines keeps for variables of its own.", "CiVariable");
        }
    }

    /// <summary>Null when the variable can take the key of <paramref name="item"/>; else why not (it holds another item's).</summary>
    public PplxConfigurationException? Refusal(string item)
    {
        if (_holder is null)
        {
            _holder = item;
            return null;
        }

        return new PplxConfigurationException(
            $"The pipeline variable '{Name}' is for the key of '{Core.Api.OutsideText.Escape(_holder)}'; one variable holds one key, so nothing was done for '{Core.Api.OutsideText.Escape(item)}'. Run a command of its own for each key, each with a -CiVariable name of its own.",
            "CiVariableTaken");
    }

    /// <summary>Hands <paramref name="key"/> on (its text lives only as long as the line is written); the failure, or null.</summary>
    /// <remarks>A failure is returned, not thrown: the key was made all the same, and the caller reports it as an item's error.</remarks>
    public PplxException? HandOn(SecureString key)
    {
        try
        {
            _log.HandOn(Name, new System.Net.NetworkCredential(string.Empty, key).Password);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            return new PplxConfigurationException($"The key could not be handed on as '{Name}': {Core.Api.OutsideText.Escape(e.Message)}", "CiSystem");
        }
    }

    /// <summary>
    /// After a rotation run that ended with its new key current (Done, or prepared and awaiting Finish): hands on the key
    /// the secret holds, once it is proven to be that run's. Any other run (aborted, rolled back, interrupted) hands on nothing.
    /// </summary>
    /// <returns>Null, or the failure: the secret holds another key now (RotationConflict), or it could not be read or handed on.</returns>
    public PplxException? HandOnRotated(RotationResult result, Func<ApiKey?> current)
    {
        if ((result.State != RotationState.Done && !result.AwaitingFinish) || result.NewFingerprint is null)
        {
            return null;
        }

        ApiKey? key;
        try
        {
            key = current();
        }
        catch (PplxException e)
        {
            return e;
        }

        if (key is null || key.Fingerprint != result.NewFingerprint)
        {
            return new PplxRotationException(
                RotationFailure.Conflict,
                $"'{result.SecretName}' in vault '{result.Vault}' holds {key?.Fingerprint ?? "no key"} now, not this rotation's {result.NewFingerprint} (another run replaced it); nothing was handed on as '{Name}'.",
                result);
        }

        return HandOn(key.ToSecureString());
    }
}
