using System.Text.Json;

namespace PerplexityKeys.Emulator;

/// <summary>The Agent API as it is live: <c>GET /v1/models</c> and <c>POST /v1/agent</c> (alias <c>/v1/responses</c>).</summary>
internal static class AgentApi
{
    private static readonly HashSet<string> KnownFields = new(StringComparer.Ordinal)
    {
        "model", "preset", "input", "instructions", "max_output_tokens", "max_steps", "tools", "background", "stream",
        "reasoning", "response_format", "models", "language_preference",
    };

    /// <summary>The models the caller's key may use, shaped as the live list.</summary>
    public static Task ListModelsAsync(HttpContext ctx, EmulatorState state, EmulatorKey caller)
    {
        var data = caller.Usable(state.Config.Models).Select(ModelCatalog.Describe).Select(m =>
        {
            var pricing = new Dictionary<string, object> { ["input"] = m.Input, ["output"] = m.Output, ["cache_read"] = m.CacheRead };
            if (m.CacheWrite is { } write)
            {
                pricing["cache_write"] = write;
            }

            pricing["unit"] = "usd_per_1m_tokens";
            return new Dictionary<string, object> { ["id"] = m.Id, ["object"] = "model", ["created"] = 0, ["owned_by"] = m.OwnedBy, ["pricing"] = pricing };
        }).ToList();
        return ctx.Response.WriteAsJsonAsync(new Dictionary<string, object> { ["object"] = "list", ["data"] = data });
    }

    /// <summary>A minimal run: validates the body as the live API does (400 <c>invalid_request</c>) and answers a completed Responses object.</summary>
    public static async Task RespondAsync(HttpContext ctx, EmulatorState state, EmulatorKey caller)
    {
        using JsonDocument? body = await EmulatorWire.ReadJsonAsync(ctx);
        if (body is null)
        {
            await EmulatorWire.WriteErrorAsync(ctx, 400, "invalid_request", "A JSON body is required.");
            return;
        }

        JsonElement root = body.RootElement;
        foreach (JsonProperty p in root.EnumerateObject())
        {
            if (!KnownFields.Contains(p.Name))
            {
                await EmulatorWire.WriteErrorAsync(ctx, 400, "invalid_request", $"Unknown field '{p.Name}'.");
                return;
            }
        }

        if (!root.TryGetProperty("input", out JsonElement input) || input.ValueKind is not (JsonValueKind.String or JsonValueKind.Array))
        {
            await EmulatorWire.WriteErrorAsync(ctx, 400, "invalid_request", "input is required (a string or an array of input items).");
            return;
        }

        string? model = root.TryGetProperty("model", out JsonElement m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
        string? preset = root.TryGetProperty("preset", out JsonElement pr) && pr.ValueKind == JsonValueKind.String ? pr.GetString() : null;
        if (model is null && preset is null)
        {
            await EmulatorWire.WriteErrorAsync(ctx, 400, "invalid_request", "Either model or preset is required.");
            return;
        }

        if (preset is not null && !ModelCatalog.Presets.ContainsKey(preset))
        {
            await EmulatorWire.WriteErrorAsync(ctx, 400, "invalid_request", $"Unknown preset '{preset}'.");
            return;
        }

        string resolved = model ?? ModelCatalog.Presets[preset!];
        if (!caller.MayUse(resolved, state.Config.Models))
        {
            await EmulatorWire.WriteErrorAsync(ctx, 400, "invalid_request", $"Model '{resolved}' is not available. Use GET /v1/models to list the models your key can use.");
            return;
        }

        int maxOutput = int.MaxValue;
        if (root.TryGetProperty("max_output_tokens", out JsonElement mo))
        {
            if (mo.ValueKind != JsonValueKind.Number || !mo.TryGetInt32(out maxOutput) || maxOutput < 1)
            {
                await EmulatorWire.WriteErrorAsync(ctx, 400, "invalid_request", "max_output_tokens must be a positive integer.");
                return;
            }
        }
        else if (!resolved.StartsWith("perplexity/", StringComparison.Ordinal))
        {
            await EmulatorWire.WriteErrorAsync(ctx, 400, "invalid_request", $"max_output_tokens is required for '{resolved}'.");
            return;
        }

        CatalogModel priced = ModelCatalog.Describe(resolved);
        int outputTokens = Math.Min(maxOutput, 2);
        const int inputTokens = 3;
        double inputCost = inputTokens * priced.Input / 1e6, outputCost = outputTokens * priced.Output / 1e6, requestCost = 0.005;
        await ctx.Response.WriteAsJsonAsync(new Dictionary<string, object>
        {
            ["id"] = "resp_" + Guid.NewGuid().ToString("D"),
            ["object"] = "response",
            ["created_at"] = state.Time.GetUtcNow().ToUnixTimeSeconds(),
            ["status"] = "completed",
            ["model"] = resolved,
            ["output"] = new object[]
            {
                new { type = "message", id = "msg_" + Guid.NewGuid().ToString("N"), role = "assistant", status = "completed", content = new[] { new { type = "output_text", text = "OK" } } },
            },
            ["usage"] = new Dictionary<string, object>
            {
                ["input_tokens"] = inputTokens,
                ["output_tokens"] = outputTokens,
                ["total_tokens"] = inputTokens + outputTokens,
                ["cost"] = new Dictionary<string, object>
                {
                    ["currency"] = "USD",
                    ["input_cost"] = inputCost,
                    ["output_cost"] = outputCost,
                    ["request_cost"] = requestCost,
                    ["total_cost"] = inputCost + outputCost + requestCost,
                },
            },
        });
    }
}
