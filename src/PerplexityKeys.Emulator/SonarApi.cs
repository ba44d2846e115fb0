using System.Text.Json;

namespace PerplexityKeys.Emulator;

/// <summary>The Sonar chat paths: retired on the live API (403 to every key), or their old answers when <see cref="SonarMode.Live"/>.</summary>
internal static class SonarApi
{
    /// <summary>The live API's message for the retired paths (captured 2026-10).</summary>
    internal const string RetiredMessage =
        "Sonar is now the Agent API. Use /v1/responses instead. See https://docs.perplexity.ai/guides/agent-api-migration to migrate.";

    public static bool IsSonarPath(string path) =>
        string.Equals(path, "/chat/completions", StringComparison.OrdinalIgnoreCase)
        || string.Equals(path, "/async/chat/completions", StringComparison.OrdinalIgnoreCase);

    public static Task WriteRetiredAsync(HttpContext ctx) =>
        EmulatorWire.WriteErrorAsync(ctx, 403, "chat_completions_not_available", RetiredMessage);

    /// <summary>The old <c>POST /chat/completions</c>: model by its short name (<c>sonar</c>) or its id.</summary>
    public static async Task CompleteAsync(HttpContext ctx, EmulatorState state, EmulatorKey caller)
    {
        using JsonDocument? body = await EmulatorWire.ReadJsonAsync(ctx);
        if (body is null || !body.RootElement.TryGetProperty("model", out JsonElement m) || m.ValueKind != JsonValueKind.String)
        {
            await EmulatorWire.WriteErrorAsync(ctx, 400, "invalid_request", "model is required.");
            return;
        }

        string model = m.GetString()!;
        IReadOnlyList<string> offered = state.Config.Models;
        string? id = offered.FirstOrDefault(o => o == model || ModelCatalog.Describe(o).LegacyName == model);
        if (id is null || !caller.MayUse(id, offered))
        {
            await EmulatorWire.WriteErrorAsync(ctx, 400, "invalid_model", $"Invalid model '{model}'. Permitted models can be found in the documentation.");
            return;
        }

        if (!body.RootElement.TryGetProperty("messages", out JsonElement msgs) || msgs.ValueKind != JsonValueKind.Array || msgs.GetArrayLength() == 0)
        {
            await EmulatorWire.WriteErrorAsync(ctx, 400, "invalid_request", "messages must be a non-empty array.");
            return;
        }

        await ctx.Response.WriteAsJsonAsync(new
        {
            id = Guid.NewGuid().ToString(),
            model,
            created = state.Time.GetUtcNow().ToUnixTimeSeconds(),
            @object = "chat.completion",
            usage = new { prompt_tokens = 1, completion_tokens = 1, total_tokens = 2 },
            choices = new[] { new { index = 0, finish_reason = "length", message = new { role = "assistant", content = "OK" } } },
        });
    }
}
