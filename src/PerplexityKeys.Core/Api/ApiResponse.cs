
namespace PerplexityKeys.Core.Api;

/// <summary>One complete HTTP answer, read within the attempt's timeout.</summary>
internal sealed record ApiResponse(int StatusCode, string Body, string? MediaType, TimeSpan? RetryAfter, Uri? Location)
{
    public bool IsSuccess => StatusCode >= 200 && StatusCode < 300;
}
