using System.Globalization;
using System.Text;
using System.Text.Json;

namespace PerplexityKeys.Emulator;

/// <summary>The emulator's wire: error envelopes as the live API writes them, injected faults, and JSON bodies read strictly.</summary>
internal static class EmulatorWire
{
    internal const string HtmlUnauthorizedPage =
        "<html>\r\n<head><title>401 Authorization Required</title></head>\r\n<body>\r\n<center><h1>401 Authorization Required</h1></center>\r\n<hr><center>openresty</center>\r\n</body>\r\n</html>\r\n";

    internal static Task WriteErrorAsync(HttpContext ctx, int status, string type, string message)
    {
        ctx.Response.StatusCode = status;
        return ctx.Response.WriteAsJsonAsync(new ErrorEnvelope(new ErrorBody(message, type, status)));
    }

    private static string DefaultType(int status) => status switch
    {
        400 => "invalid_request",
        401 => "invalid_api_key",
        403 => "forbidden",
        404 => "not_found",
        413 => "payload_too_large",
        429 => "request_rate_limit_exceeded",
        502 => "bad_gateway",
        503 => "service_unavailable",
        504 => "gateway_timeout",
        _ => "internal_error",
    };

    internal static async Task WriteFaultAsync(HttpContext ctx, Fault fault)
    {
        if (fault.RetryAfterSeconds is { } retry)
        {
            ctx.Response.Headers.RetryAfter = retry.ToString(CultureInfo.InvariantCulture);
        }

        if (fault.Location is not null)
        {
            ctx.Response.Headers.Location = fault.Location;
        }

        if (fault.Html)
        {
            ctx.Response.StatusCode = fault.Status;
            ctx.Response.ContentType = "text/html";
            await ctx.Response.WriteAsync(HtmlUnauthorizedPage.Replace("401 Authorization Required", $"{fault.Status} {ReasonPhrase(fault.Status)}", StringComparison.Ordinal));
            return;
        }

        if (fault.Body is not null)
        {
            ctx.Response.StatusCode = fault.Status;
            ctx.Response.ContentType = fault.ContentType ?? "application/json";
            await ctx.Response.WriteAsync(fault.Body);
            return;
        }

        await WriteErrorAsync(ctx, fault.Status, DefaultType(fault.Status), $"Injected fault: {ReasonPhrase(fault.Status)}.");
    }

    private static string ReasonPhrase(int status) =>
        status == 401 ? "Authorization Required" : Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status);

    internal static async Task<JsonDocument?> ReadJsonAsync(HttpContext ctx)
    {
        using var reader = new StreamReader(ctx.Request.Body, Encoding.UTF8);
        string text = await reader.ReadToEndAsync(ctx.RequestAborted);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(text);
        }
        catch (JsonException)
        {
            throw new BadBodyException();
        }

        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            doc.Dispose();
            throw new BadBodyException();
        }

        return doc;
    }

    private sealed record ErrorBody(string message, string type, int code);

    private sealed record ErrorEnvelope(ErrorBody error);

    internal sealed class BadBodyException : Exception;
}
