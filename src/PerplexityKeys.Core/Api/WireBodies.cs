using System.IO;
using System.Text.Json;

namespace PerplexityKeys.Core.Api;

/// <summary>The JSON the client sends and the mint answer it reads (System.Text.Json, no reflection).</summary>
internal static class WireBodies
{
    /// <summary>The minted key from a 200 answer to POST /generate_auth_token.</summary>
    public static MintedToken ParseMinted(string body, string requestedName)
    {
        using JsonDocument doc = JsonDocument.Parse(body);
        JsonElement root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("auth_token", out JsonElement token)
            || token.ValueKind != JsonValueKind.String)
        {
            throw new PplxProtocolException("the answer has no auth_token", 200);
        }

        ApiKey key = ApiKey.Create(token.GetString());
        DateTimeOffset created = root.TryGetProperty("created_at_epoch_seconds", out JsonElement at) && at.ValueKind == JsonValueKind.Number
            ? DateTimeOffset.FromUnixTimeMilliseconds((long)(at.GetDouble() * 1000))
            : throw new PplxProtocolException("the answer has no created_at_epoch_seconds", 200);
        string? name = root.TryGetProperty("token_name", out JsonElement n) && n.ValueKind == JsonValueKind.String ? n.GetString() : requestedName;
        return new MintedToken(key, name, created);
    }

    /// <summary>A JSON object written by <paramref name="write"/>.</summary>
    public static byte[] JsonBody(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
