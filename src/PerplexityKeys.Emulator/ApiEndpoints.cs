using System.Globalization;
using System.Text.Json;

namespace PerplexityKeys.Emulator;

/// <summary>The emulated Perplexity API: faults and latency first, then auth, rate limit, route.</summary>
internal sealed class ApiEndpoints(EmulatorState state)
{

    public async Task HandleAsync(HttpContext ctx)
    {
        string path = ctx.Request.Path.Value ?? "/";
        Fault? fault = state.TakeFault(path);
        string? fingerprint = null;
        bool logged = false;
        using IDisposable inFlight = state.BeginRequest(path);

        // Logged before the connection is cut, so a client that sees the cut finds the request in the log.
        void LogOnce()
        {
            if (!logged)
            {
                logged = true;
                state.Log(new RequestLogEntry(state.Time.GetUtcNow(), ctx.Request.Method, path, fingerprint, ctx.Response.StatusCode, fault?.Kind.ToString()));
            }
        }

        try
        {
            CancellationToken aborted = ctx.RequestAborted;
            if (state.Config.LatencyMs > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(state.Config.LatencyMs), state.Time, aborted);
            }

            switch (fault?.Kind)
            {
                case FaultKind.Delay:
                    await Task.Delay(TimeSpan.FromMilliseconds(fault.DelayMs), state.Time, aborted);
                    break;
                case FaultKind.Reset:
                    LogOnce();
                    ctx.Abort();
                    return;
                case FaultKind.Status:
                    await EmulatorWire.WriteFaultAsync(ctx, fault);
                    return;
            }

            if (fault?.Kind is FaultKind.Truncate or FaultKind.LoseResponse or FaultKind.DelayBody)
            {
                Stream original = ctx.Response.Body;
                using var capture = new MemoryStream();
                ctx.Response.Body = capture;
                fingerprint = await HandleCoreAsync(ctx, path);
                ctx.Response.Body = original;
                LogOnce();
                if (fault.Kind == FaultKind.LoseResponse)
                {
                    ctx.Abort();
                    return;
                }

                byte[] all = capture.ToArray();
                ctx.Response.ContentLength = null;
                if (fault.Kind == FaultKind.DelayBody)
                {
                    await ctx.Response.StartAsync(aborted);
                    await ctx.Response.Body.FlushAsync(aborted);
                    await Task.Delay(TimeSpan.FromMilliseconds(fault.DelayMs), state.Time, aborted);
                    await original.WriteAsync(all, aborted);
                    return;
                }

                await original.WriteAsync(all.AsMemory(0, all.Length / 2), aborted);
                return;
            }

            fingerprint = await HandleCoreAsync(ctx, path);
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
        {
            // The client went away while we waited.
        }
        finally
        {
            LogOnce();
        }
    }

    private async Task<string?> HandleCoreAsync(HttpContext ctx, string path)
    {
        if (state.Config.Sonar == SonarMode.Retired && SonarApi.IsSonarPath(path))
        {
            // The live API refuses these before it looks at the key.
            await SonarApi.WriteRetiredAsync(ctx);
            return null;
        }

        string? bearer = ctx.Request.Headers.Authorization.ToString() is { } auth && auth.StartsWith("Bearer ", StringComparison.Ordinal)
            ? auth["Bearer ".Length..].Trim()
            : null;
        EmulatorKey? caller = bearer is null ? null : state.Authenticate(bearer);
        if (caller is null || caller.Revoked)
        {
            await WriteUnauthorizedAsync(ctx);
            return caller?.Fingerprint;
        }

        RateDecision rate = state.Charge(caller);
        if (rate.Limit > 0)
        {
            ctx.Response.Headers["X-RateLimit-Limit"] = rate.Limit.ToString(CultureInfo.InvariantCulture);
            ctx.Response.Headers["X-RateLimit-Remaining"] = rate.Remaining.ToString(CultureInfo.InvariantCulture);
            ctx.Response.Headers["X-RateLimit-Reset"] = rate.ResetEpochSeconds.ToString(CultureInfo.InvariantCulture);
        }

        if (!rate.Allowed)
        {
            ctx.Response.Headers.RetryAfter = rate.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            await EmulatorWire.WriteErrorAsync(ctx, 429, "request_rate_limit_exceeded", "Rate limit exceeded. Please retry after the time given in Retry-After.");
            return caller.Fingerprint;
        }

        try
        {
            string method = ctx.Request.Method;
            Task handled = (method, path) switch
            {
                ("POST", "/generate_auth_token") => MintAsync(ctx),
                ("POST", "/revoke_auth_token") => RevokeAsync(ctx, caller),
                ("POST", "/chat/completions") => SonarApi.CompleteAsync(ctx, state, caller),
                ("GET", "/async/chat/completions") => ctx.Response.WriteAsJsonAsync(new { requests = Array.Empty<object>() }),
                ("GET", "/v1/models") => AgentApi.ListModelsAsync(ctx, state, caller),
                ("POST", "/v1/agent") or ("POST", "/v1/responses") => AgentApi.RespondAsync(ctx, state, caller),
                (_, "/chat/completions" or "/async/chat/completions" or "/v1/models" or "/v1/agent" or "/v1/responses") =>
                    EmulatorWire.WriteErrorAsync(ctx, 405, "method_not_allowed", $"{method} is not allowed on {path}."),
                _ => EmulatorWire.WriteErrorAsync(ctx, 404, "not_found", $"No route for {method} {path}."),
            };
            await handled;
        }
        catch (EmulatorWire.BadBodyException)
        {
            await EmulatorWire.WriteErrorAsync(ctx, 400, "invalid_request", "The request body is not a JSON object.");
        }

        return caller.Fingerprint;
    }

    private Task WriteUnauthorizedAsync(HttpContext ctx)
    {
        if (state.Config.HtmlUnauthorized)
        {
            ctx.Response.StatusCode = 401;
            ctx.Response.ContentType = "text/html";
            return ctx.Response.WriteAsync(EmulatorWire.HtmlUnauthorizedPage);
        }

        return EmulatorWire.WriteErrorAsync(ctx, 401, "invalid_api_key", "Invalid or revoked API key. Check your API key in the API settings.");
    }

    private async Task MintAsync(HttpContext ctx)
    {
        using JsonDocument? body = await EmulatorWire.ReadJsonAsync(ctx);
        string? name = null;
        if (body is not null && body.RootElement.TryGetProperty("token_name", out JsonElement n))
        {
            if (n.ValueKind != JsonValueKind.String)
            {
                await EmulatorWire.WriteErrorAsync(ctx, 400, "invalid_parameter", "token_name must be a string.");
                return;
            }

            name = n.GetString();
        }

        EmulatorKey? key = state.Mint(name);
        if (key is null)
        {
            await EmulatorWire.WriteErrorAsync(ctx, 400, "invalid_request", "The API group has reached its maximum number of keys.");
            return;
        }

        var answer = new Dictionary<string, object>
        {
            ["auth_token"] = key.Secret,
            ["created_at_epoch_seconds"] = key.CreatedAt.ToUnixTimeSeconds(),
        };
        if (name is not null)
        {
            answer["token_name"] = name;
        }

        await ctx.Response.WriteAsJsonAsync(answer);
    }

    private async Task RevokeAsync(HttpContext ctx, EmulatorKey caller)
    {
        using JsonDocument? body = await EmulatorWire.ReadJsonAsync(ctx);
        if (body is null || !body.RootElement.TryGetProperty("auth_token", out JsonElement t) || t.ValueKind != JsonValueKind.String)
        {
            await EmulatorWire.WriteErrorAsync(ctx, 400, "invalid_request", "auth_token is required.");
            return;
        }

        EmulatorKey? target = state.Find(t.GetString()!);
        UndocumentedAnswer? answer = target is null ? state.Config.RevokeUnknown
            : target.Revoked ? state.Config.RevokeRevoked
            : null;
        if (answer is { } a)
        {
            await (a switch
            {
                UndocumentedAnswer.Ok => Task.CompletedTask,
                UndocumentedAnswer.BadRequest => EmulatorWire.WriteErrorAsync(ctx, 400, "invalid_request", "The token cannot be revoked."),
                _ => EmulatorWire.WriteErrorAsync(ctx, 404, "not_found", "Token not found."),
            });
            return;
        }

        if (ReferenceEquals(target, caller) && !state.Config.AllowSelfRevoke)
        {
            await EmulatorWire.WriteErrorAsync(ctx, 400, "invalid_request", "A key cannot revoke itself.");
            return;
        }

        state.Revoke(target!);
        ctx.Response.StatusCode = 200;
    }
}
