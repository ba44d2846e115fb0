namespace PerplexityKeys.Emulator;

/// <summary>One model as <c>GET /v1/models</c> lists it: ids are <c>provider/name</c>, prices in USD per million tokens.</summary>
public sealed record CatalogModel(string Id, double Input, double Output, double CacheRead, double? CacheWrite)
{
    /// <summary>The provider part of the id (the list's <c>owned_by</c>).</summary>
    public string OwnedBy => Id[..Id.IndexOf('/', StringComparison.Ordinal)];

    /// <summary>The name without the provider, as the retired Sonar API called it (<c>sonar</c>).</summary>
    public string LegacyName => Id[(Id.IndexOf('/', StringComparison.Ordinal) + 1)..];
}
