using System.Text.Json;
using System.Text.Json.Nodes;

namespace PerplexityKeys.Emulator;

/// <summary>The control surface under <c>/_emulator</c>: no auth, no faults, no rate limit.</summary>
internal static class ControlEndpoints
{
    public const string Prefix = "/_emulator";

    public static void Map(WebApplication app, EmulatorState state)
    {
        RouteGroupBuilder control = app.MapGroup(Prefix);
        control.MapGet("/health", () => Results.Ok(new { ok = true }));
        control.MapGet("/keys", () => Results.Ok(state.Keys()));

        // The web console: make a key without any other key (the first key of an API group).
        control.MapPost("/keys", async (HttpContext ctx) =>
        {
            string? name = null;
            List<string>? models = null;
            using var reader = new StreamReader(ctx.Request.Body);
            string text = await reader.ReadToEndAsync(ctx.RequestAborted);
            if (!string.IsNullOrWhiteSpace(text))
            {
                JsonNode? body = JsonNode.Parse(text);
                name = body?["name"]?.GetValue<string>();
                models = body?["models"]?.Deserialize<List<string>>(JsonOptions);
            }

            EmulatorKey? key = state.Mint(name);
            if (key is not null && models is not null)
            {
                state.Restrict(key, models);
            }

            return key is null
                ? Results.Conflict(new { error = "maximum number of keys reached" })
                : Results.Ok(new { auth_token = key.Secret, key.Fingerprint, created_at_epoch_seconds = key.CreatedAt.ToUnixTimeSeconds(), token_name = key.Name });
        });

        // Many console keys at once (benchmarks): {"count": n, "name": prefix}; names are prefix-1 .. prefix-n.
        control.MapPost("/keys/batch", async (HttpContext ctx) =>
        {
            JsonNode? body = await JsonNode.ParseAsync(ctx.Request.Body, cancellationToken: ctx.RequestAborted);
            int count = body?["count"]?.GetValue<int>() ?? 0;
            string prefix = body?["name"]?.GetValue<string>() ?? "batch";
            if (count is < 1 or > 100_000)
            {
                return Results.BadRequest(new { error = "count must be 1 to 100000" });
            }

            var made = new List<object>(count);
            for (int i = 1; i <= count; i++)
            {
                if (state.Mint($"{prefix}-{i}") is not { } key)
                {
                    return Results.Conflict(new { error = "maximum number of keys reached" });
                }

                made.Add(new { auth_token = key.Secret, key.Fingerprint, token_name = key.Name });
            }

            return Results.Ok(made);
        });

        // A key restricted to some models (or, with "models": null, to every model of the organisation).
        control.MapPost("/keys/models", async (HttpContext ctx) =>
        {
            JsonNode? body = await JsonNode.ParseAsync(ctx.Request.Body, cancellationToken: ctx.RequestAborted);
            string? token = body?["auth_token"]?.GetValue<string>();
            EmulatorKey? key = token is null ? null : state.Find(token);
            if (key is null)
            {
                return Results.NotFound(new { error = "no such key" });
            }

            state.Restrict(key, body?["models"]?.Deserialize<List<string>>(JsonOptions));
            return Results.Ok(new { key.Fingerprint, key.Models });
        });

        control.MapGet("/config", () => Results.Ok(state.Config));
        control.MapPost("/config", async (HttpContext ctx) =>
        {
            // Patch: properties the body names replace the current ones; the rest stay.
            JsonObject current = JsonSerializer.SerializeToNode(state.Config, JsonOptions)!.AsObject();
            JsonObject? patch = (await JsonNode.ParseAsync(ctx.Request.Body, cancellationToken: ctx.RequestAborted))?.AsObject();
            foreach ((string name, JsonNode? value) in patch ?? [])
            {
                string? match = current.Select(p => p.Key).FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase));
                if (match is null)
                {
                    return Results.BadRequest(new { error = $"unknown setting '{name}'" });
                }

                current[match] = value?.DeepClone();
            }

            EmulatorConfig? updated = current.Deserialize<EmulatorConfig>(JsonOptions);
            state.SetConfig(updated!);
            return Results.Ok(updated);
        });

        control.MapGet("/faults", () => Results.Ok(state.Faults()));
        control.MapPost("/faults", async (HttpContext ctx) =>
        {
            JsonNode? body = await JsonNode.ParseAsync(ctx.Request.Body, cancellationToken: ctx.RequestAborted);
            List<Fault> faults = body is JsonArray
                ? body.Deserialize<List<Fault>>(JsonOptions) ?? []
                : [body!.Deserialize<Fault>(JsonOptions)!];
            state.AddFaults(faults);
            return Results.Ok(state.Faults());
        });
        control.MapDelete("/faults", () =>
        {
            state.ClearFaults();
            return Results.NoContent();
        });

        control.MapGet("/requests", () => Results.Ok(state.RequestLog()));
        control.MapGet("/inflight", () => Results.Ok(state.InFlight()));
        control.MapGet("/inflight/peak", () => Results.Ok(state.PeakInFlight()));
        control.MapDelete("/inflight/peak", () =>
        {
            state.ResetPeakInFlight();
            return Results.NoContent();
        });
        control.MapPost("/reset", () =>
        {
            state.Reset();
            return Results.NoContent();
        });
    }

    internal static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
}
