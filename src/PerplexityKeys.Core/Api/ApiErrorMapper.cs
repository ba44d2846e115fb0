using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace PerplexityKeys.Core.Api;

/// <summary>The one place where an API answer that is not 2xx becomes a typed exception.</summary>
internal static class ApiErrorMapper
{
    private const string PortalHint = "Check the key in the Perplexity portal (API settings).";
    // Key text with its prefix (20 or more letters and digits after it: a name such as pplx-billing stays), and a
    // key's body without it (a run of 32 or more letters and digits).
    private static readonly Regex KeyLike = new("pplx-[A-Za-z0-9]{20,}|(?<![A-Za-z0-9])[A-Za-z0-9]{32,}", RegexOptions.CultureInvariant);

    /// <summary>The exception for an answer with a non-2xx status.</summary>
    public static PplxException ToException(ApiResponse response, string operation, string fingerprint)
    {
        int status = response.StatusCode;
        (string? type, string? apiMessage) = ReadEnvelope(response);
        string detail = apiMessage is null ? string.Empty : $" The API said: {apiMessage}";
        string head = $"{operation} answered {status}{(type is null ? string.Empty : " (" + type + ")")} for key {fingerprint}.";

        PplxException error = status switch
        {
            _ when IsRetired(status, type, includeNotFound: false) => new PplxEndpointRetiredException(
                $"{head} The API says this path is retired, migrated or gone, which says nothing about the key. {RetiredHint}{detail}",
                status, type),
            401 => new PplxUnauthorizedException(
                $"{head} The key is unknown or revoked, or its account is blocked (quota exhausted, billing failure, policy violation, suspension); the status alone cannot tell which. {PortalHint}{detail}",
                status, type),
            403 => new PplxForbiddenException(
                $"{head} The key authenticated but is not allowed to do this (quota, billing, policy or suspension). {PortalHint}{detail}",
                status, type),
            404 => new PplxNotFoundException($"{head} What the request named was not found.{detail}", status, type),
            407 => new PplxBadRequestException(
                $"{operation} answered 407: a proxy between this machine and the API wants credentials (proxy authentication failed); check the proxy's credentials and settings (HTTPS_PROXY).",
                status, type),
            429 => new PplxRateLimitedException(
                $"{head} The organisation's rate limit is spent (limits are shared by all its keys){RetryAfterText(response.RetryAfter)}.{detail}",
                status, type, response.RetryAfter),
            >= 500 => new PplxServerException($"{head} The API failed; try again later.{detail}", status, type, response.RetryAfter),
            >= 300 and < 400 => new PplxProtocolException(
                $"{operation} answered with a redirect{(response.Location is null ? string.Empty : " to " + response.Location.GetLeftPart(UriPartial.Authority))}; redirects are not followed, so the key is never sent elsewhere. Check the base URI.",
                status),
            _ => new PplxBadRequestException($"{head} The request was refused.{detail}", status, type),
        };
        return error.WithFingerprintCore(fingerprint);
    }

    /// <summary>The <c>error.type</c> values with which the live API refuses a retired or migrated path.</summary>
    public static readonly string[] RetiredTypes = ["chat_completions_not_available", "agent_api_migration_required"];

    /// <summary>What to do when a path answers as retired.</summary>
    public const string RetiredHint =
        "PerplexityKeys probes with GET /v1/models (free) and POST /v1/agent (paid) and never calls the retired Sonar chat paths; if the live API moved again, update PerplexityKeys.";

    /// <summary>Whether an answer says the path is retired or migrated (and so nothing about the key).</summary>
    /// <param name="status">The HTTP status.</param>
    /// <param name="type">The envelope's error.type, if any.</param>
    /// <param name="includeNotFound">Count a 404 as a missing path (true for paths that name no resource, such as the probes).</param>
    public static bool IsRetired(int status, string? type, bool includeNotFound) =>
        status is 405 or 410
        || (status == 404 && includeNotFound)
        || (status == 403 && type is not null && Array.IndexOf(RetiredTypes, type) >= 0);

    /// <summary>Removes anything key-shaped from text that came from elsewhere, with or without the <c>pplx-</c> prefix.</summary>
    public static string Redact(string text) => KeyLike.Replace(text, m => ApiKey.MakeFingerprint(m.Value));

    /// <summary>Reads error.type and error.message from a JSON envelope; for HTML, says so.</summary>
    public static (string? Type, string? Message) ReadEnvelope(ApiResponse response)
    {
        string body = response.Body;
        if (LooksLikeJson(body))
        {
            try
            {
                using JsonDocument doc = JsonDocument.Parse(body);
                if (doc.RootElement.ValueKind == JsonValueKind.Object
                    && doc.RootElement.TryGetProperty("error", out JsonElement error)
                    && error.ValueKind == JsonValueKind.Object)
                {
                    string? type = error.TryGetProperty("type", out JsonElement t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
                    string? message = error.TryGetProperty("message", out JsonElement m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
                    return (type is null ? null : OutsideText.Escape(Clip(Redact(type), 60)), message is null ? null : OutsideText.Escape(Clip(Redact(message), 300)));
                }
            }
            catch (JsonException)
            {
                // Not an envelope after all; classify by status alone.
            }
        }
        else if (body.IndexOf("<html", StringComparison.OrdinalIgnoreCase) >= 0 || body.IndexOf("<title", StringComparison.OrdinalIgnoreCase) >= 0)
        {
            return (null, "(an HTML page from a gateway, not the API's JSON)");
        }

        return (null, null);
    }

    public static bool LooksLikeJson(string body)
    {
        foreach (char c in body)
        {
            if (!char.IsWhiteSpace(c))
            {
                return c == '{' || c == '[';
            }
        }

        return false;
    }

    public static string RetryAfterText(TimeSpan? retryAfter) =>
        retryAfter is { } r ? string.Format(CultureInfo.InvariantCulture, "; the API asks to retry after {0:0.#} s", r.TotalSeconds) : string.Empty;

    private static string Clip(string text, int max) => text.Length <= max ? text : text.Substring(0, max) + "…";
}
