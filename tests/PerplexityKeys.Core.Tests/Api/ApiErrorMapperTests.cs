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

        PplxException error = ApiErrorMapper.ToException(response, "GET /async/chat/completions", "pplx-…abcd");

        Assert.Contains("revoked", error.Message, StringComparison.Ordinal);
        Assert.Contains("billing", error.Message, StringComparison.Ordinal);
        Assert.Contains("portal", error.Message, StringComparison.Ordinal);
        Assert.Contains("HTML", error.Message, StringComparison.Ordinal);
    }

    private const string ApiErrorMapperHtml = "<html><head><title>401 Authorization Required</title></head><body>openresty</body></html>";
}
