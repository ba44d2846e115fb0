using System.Text.RegularExpressions;

namespace PerplexityKeys.Core.Model;

/// <summary>What a model id may look like before it is sent: <c>provider/name</c> (or a bare name), letters, digits and <c>. _ : -</c>.</summary>
public static class ModelIdPolicy
{
    /// <summary>The longest id accepted.</summary>
    public const int MaxLength = 128;

    private static readonly Regex Shape = new(@"^[A-Za-z0-9][A-Za-z0-9._:\-]*(/[A-Za-z0-9][A-Za-z0-9._:\-]*)?$", RegexOptions.CultureInvariant);

    /// <summary>Throws when <paramref name="model"/> is given and is not a plausible model id.</summary>
    /// <exception cref="PplxConfigurationException">The id is empty, too long, or holds other characters.</exception>
    public static void Validate(string? model)
    {
        if (model is null)
        {
            return;
        }

        if (model.Length == 0 || model.Length > MaxLength || !Shape.IsMatch(model) || model.StartsWith("pplx-", System.StringComparison.OrdinalIgnoreCase))
        {
            throw new PplxConfigurationException(
                $"A model id looks like 'perplexity/sonar': 1 to {MaxLength} letters, digits or '.', '_', ':', '-', with at most one '/' between provider and name (and never a key). GET /v1/models lists a key's model ids.",
                "Model");
        }
    }
}
