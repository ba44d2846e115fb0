using PerplexityKeys.Core.Api;
using Xunit;

namespace PerplexityKeys.Core.Tests.Api;

public sealed class ApiErrorMapperTests
{
    [Theory]
    [InlineData(400, typeof(PplxBadRequestException))]
    [InlineData(401, typeof(PplxUnauthorizedException))]
    [InlineData(403, typeof(PplxForbiddenException))]
    [InlineData(404, typeof(PplxNotFoundException))]
    [InlineData(413, typeof(PplxBadRequestException))]
    [InlineData(429, typeof(PplxRateLimitedException))]
    [InlineData(500, typeof(PplxServerException))]
    [InlineData(503, typeof(PplxServerException))]
    [InlineData(301, typeof(PplxProtocolException))]
    public void ToException_MapsEachStatusToItsType(int status, Type expected)
    {
        var response = new ApiResponse(status, "{\"error\":{\"message\":\"m\",\"type\":\"t\",\"code\":" + status + "}}", "application/json", null, null);

        PplxException error = ApiErrorMapper.ToException(response, "POST /x", "pplx-…abcd");

        Assert.IsType(expected, error);
        Assert.Equal("pplx-…abcd", error.Fingerprint);
    }

    [Theory]
    [InlineData(403, "chat_completions_not_available")]
    [InlineData(403, "agent_api_migration_required")]
    [InlineData(405, null)]
    [InlineData(410, null)]
    public void ToException_ForARetiredOrGonePath_IsEndpointRetired_NotForbidden(int status, string? type)
    {
        string body = type is null ? string.Empty : "{\"error\":{\"message\":\"moved\",\"type\":\"" + type + "\",\"code\":" + status + "}}";
        var response = new ApiResponse(status, body, "application/json", null, null);

        PplxException error = ApiErrorMapper.ToException(response, "POST /revoke_auth_token", "pplx-…abcd");

        Assert.IsType<PplxEndpointRetiredException>(error);
        Assert.Contains("says nothing about the key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToException_ForA407_SaysAProxyWantsCredentials_WithoutNamingAParameter()
    {
        var response = new ApiResponse(407, string.Empty, null, null, null);

        PplxException error = ApiErrorMapper.ToException(response, "POST /generate_auth_token", "pplx-…abcd");

        Assert.Equal(407, Assert.IsType<PplxBadRequestException>(error).StatusCode);
        Assert.Contains("proxy authentication failed", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("-ProxyCredential", error.Message, StringComparison.Ordinal);   // the cmdlet layer's advice
    }

    [Fact]
    public void ToException_RedactsKeysTheApiEchoes()
    {
        string key = "pplx-" + new string('k', 44) + "WXYZ";
        var response = new ApiResponse(400, "{\"error\":{\"message\":\"bad token " + key + "\",\"type\":\"invalid_request\",\"code\":400}}", "application/json", null, null);

        PplxException error = ApiErrorMapper.ToException(response, "POST /revoke_auth_token", "pplx-…abcd");

        Assert.DoesNotContain(key, error.Message, StringComparison.Ordinal);
        Assert.Contains("pplx-…WXYZ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToException_ForA401_ListsTheCausesAndPointsAtThePortal()
    {
        var response = new ApiResponse(401, ApiErrorMapperHtml, "text/html", null, null);

        PplxException error = ApiErrorMapper.ToException(response, "GET /v1/models", "pplx-…abcd");

        Assert.Contains("revoked", error.Message, StringComparison.Ordinal);
        Assert.Contains("billing", error.Message, StringComparison.Ordinal);
        Assert.Contains("portal", error.Message, StringComparison.Ordinal);
        Assert.Contains("HTML", error.Message, StringComparison.Ordinal);
    }

    private const string ApiErrorMapperHtml = "<html><head><title>401 Authorization Required</title></head><body>openresty</body></html>";
}
