using System.Globalization;
using LlmFallback.Samples.Gateway.Wire;

namespace LlmFallback.Samples.Gateway.Mapping;

/// <summary>
/// Says who answered: <c>x-llmfallback-*</c> response headers for a non-streamed answer, the <c>llmfallback</c> field
/// of the last chunk for a streamed one (headers are gone by then).
/// </summary>
internal static class CallInfoMapper
{
    public const string ProviderHeader = "x-llmfallback-provider";
    public const string AttemptsHeader = "x-llmfallback-attempts";
    public const string CacheHeader = "x-llmfallback-cache";
    public const string RouteHeader = "x-llmfallback-route";
    public const string FallbackReasonHeader = "x-llmfallback-fallback-reason";
    public const string CostHeader = "x-llmfallback-cost-usd";

    public static void WriteHeaders(HttpResponse response, LlmCallInfo? info)
    {
        if (info is null)
        {
            return;
        }

        var headers = response.Headers;
        headers[ProviderHeader] = info.Provider;
        headers[AttemptsHeader] = info.AttemptCount.ToString(CultureInfo.InvariantCulture);
        headers[CacheHeader] = Cache(info);
        if (info.Route?.Route is { } route)
        {
            headers[RouteHeader] = route;
        }

        if (info.FallbackReason is { } reason)
        {
            headers[FallbackReasonHeader] = reason.ToSnakeCaseName();
        }

        if (info.Cost is { } cost)
        {
            headers[CostHeader] = cost.ToString(CultureInfo.InvariantCulture);
        }
    }

    public static WireCallInfo? ToWire(LlmCallInfo? info) => info is null ? null : new WireCallInfo
    {
        Provider = info.Provider,
        Attempts = info.AttemptCount,
        Route = info.Route?.Route,
        Cache = Cache(info),
        FallbackReason = info.FallbackReason is { } reason ? reason.ToSnakeCaseName() : null,
        Rescued = info.Rescued,
        Cost = info.Cost,
    };

    private static string Cache(LlmCallInfo info) => info.CacheKind switch
    {
        LlmCacheKind.Exact => "exact",
        LlmCacheKind.Semantic => "semantic",
        _ => "miss",
    };
}
