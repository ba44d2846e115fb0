using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;

namespace PerplexityKeys.Core.Api;

/// <summary>
/// Turns a probe's answer into a <see cref="TokenStatus"/>: by status first, then by <c>error.type</c>, and
/// a 200 only when its body is what the path promises. Only a 401 from a live path says a key is dead.
/// </summary>
internal static class ProbeClassifier
{
    public static ProbeResult Classify(ApiResponse response, ProbeKind kind, string operation, string fingerprint, string? model, TimeSpan latency)
    {
        ProbeResult Result(TokenStatus status, string message, IReadOnlyList<string>? models = null) =>
            new(fingerprint, status, response.StatusCode, latency, kind, message, status == TokenStatus.RateLimited ? response.RetryAfter : null)
            {
                Model = model,
                Models = models,
            };

        if (response.IsSuccess)
        {
            return kind == ProbeKind.Free ? ClassifyModelList(response, operation, model, Result) : ClassifyRun(response, operation, model, Result);
        }

        (string? type, string? apiMessage) = ApiErrorMapper.ReadEnvelope(response);
        if (ApiErrorMapper.IsRetired(response.StatusCode, type, includeNotFound: true))
        {
            string detail = apiMessage is null ? string.Empty : " The API said: " + apiMessage;
            return Result(
                TokenStatus.EndpointRetired,
                $"{operation} answered {response.StatusCode}{(type is null ? string.Empty : " (" + type + ")")}: the API says this path is retired, migrated or gone, which says nothing about key {fingerprint}. {ApiErrorMapper.RetiredHint}{detail}");
        }

        PplxException error = ApiErrorMapper.ToException(response, operation, fingerprint);
        return error switch
        {
            PplxUnauthorizedException => Result(TokenStatus.Invalid, error.Message),
            PplxForbiddenException => Result(TokenStatus.Forbidden, error.Message),
            PplxRateLimitedException => Result(TokenStatus.RateLimited, error.Message),
            PplxBadRequestException => Result(
                TokenStatus.Unknown,
                $"{error.Message} Key {fingerprint} authenticated, but the probe's request was refused, so the key's state is not proven."),
            _ => Result(TokenStatus.Unknown, error.Message),
        };
    }

    private static ProbeResult ClassifyModelList(ApiResponse response, string operation, string? model, Func<TokenStatus, string, IReadOnlyList<string>?, ProbeResult> result)
    {
        List<string>? models = ReadModelIds(response.Body);
        if (models is null)
        {
            return result(TokenStatus.Unknown, $"{operation} answered {response.StatusCode} without a model list (a proxy or captive portal?); the key's state is unknown.", null);
        }

        string count = models.Count.ToString(CultureInfo.InvariantCulture);
        if (model is null)
        {
            return result(TokenStatus.Valid, $"{operation} accepted the key; it can use {count} models.", models);
        }

        return Lists(models, OutsideText.Escape(model))
            ? result(TokenStatus.Valid, $"{operation} accepted the key, and '{Shown(model)}' is among its {count} models.", models)
            : result(TokenStatus.ModelUnavailable, $"{operation} accepted the key, but '{Shown(model)}' is not among its {count} models.", models);
    }

    private static ProbeResult ClassifyRun(ApiResponse response, string operation, string? model, Func<TokenStatus, string, IReadOnlyList<string>?, ProbeResult> result)
    {
        if (!IsResponseObject(response.Body))
        {
            return result(TokenStatus.Unknown, $"{operation} answered {response.StatusCode} without a response object (a proxy or captive portal?); the key's state is unknown.", null);
        }

        return result(TokenStatus.Valid, $"{operation} ran '{Shown(model)}' with the key (one paid request).", null);
    }

    /// <summary>The ids of a <c>{"object":"list","data":[{"id":…},…]}</c> body, escaped; null when the body is not such a list.</summary>
    private static List<string>? ReadModelIds(string body)
    {
        if (!ApiErrorMapper.LooksLikeJson(body))
        {
            return null;
        }

        try
        {
            using JsonDocument doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind != JsonValueKind.Object
                || !doc.RootElement.TryGetProperty("data", out JsonElement data)
                || data.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            var ids = new List<string>(data.GetArrayLength());
            foreach (JsonElement item in data.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("id", out JsonElement id) && id.ValueKind == JsonValueKind.String)
                {
                    ids.Add(OutsideText.Escape(ApiErrorMapper.Redact(id.GetString()!)));
                }
            }

            return ids;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool IsResponseObject(string body)
    {
        if (!ApiErrorMapper.LooksLikeJson(body))
        {
            return false;
        }

        try
        {
            using JsonDocument doc = JsonDocument.Parse(body);
            return doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("object", out JsonElement o)
                && o.ValueKind == JsonValueKind.String
                && o.GetString() == "response";
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Whether <paramref name="model"/> is among <paramref name="ids"/>: the id, ignoring case, or a bare name (<c>sonar</c>) matching an id's name part.</summary>
    public static bool Lists(IReadOnlyList<string> ids, string model)
    {
        foreach (string id in ids)
        {
            int slash = id.IndexOf('/');
            if (string.Equals(id, model, StringComparison.OrdinalIgnoreCase)
                || (model.IndexOf('/') < 0 && slash >= 0 && string.Equals(id.Substring(slash + 1), model, StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }
        }

        return false;
    }

    private static string Shown(string? model) => OutsideText.Escape(ApiErrorMapper.Redact(model ?? string.Empty));
}
