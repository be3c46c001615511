using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace LlmFallback;

/// <summary>The cost-metering stage's instruments, on the shared <c>LlmFallback</c> meter.</summary>
internal static class MeteringDiagnostics
{
    public const string CostInstrument = "llmfallback.cost";
    public const string TokensInstrument = "llmfallback.tokens";
    public const string CachedTokensInstrument = "llmfallback.tokens.cached_input";
    public const string CostSavedInstrument = "llmfallback.cost.saved";
    public const string UnpricedInstrument = "llmfallback.cost.unpriced";

    public const string RouteTag = "llmfallback.route";
    public const string TenantTag = "llmfallback.tenant";
    public const string EstimatedTag = "llmfallback.usage.estimated";
    public const string TokenTypeTag = "gen_ai.token.type";
    public const string ReasonTag = "llmfallback.reason";

    public static readonly Counter<double> Cost = LlmFallbackDiagnostics.Meter.CreateCounter<double>(CostInstrument, "USD", "What LLM calls cost, at the answering model's list prices.");
    public static readonly Counter<long> Tokens = LlmFallbackDiagnostics.Meter.CreateCounter<long>(TokensInstrument, "{token}", "Tokens of LLM calls, by gen_ai.token.type (input or output).");
    public static readonly Counter<long> CachedTokens = LlmFallbackDiagnostics.Meter.CreateCounter<long>(CachedTokensInstrument, "{token}", "Input tokens served from providers' prompt caches (a part of the input tokens).");
    public static readonly Counter<double> CostSaved = LlmFallbackDiagnostics.Meter.CreateCounter<double>(CostSavedInstrument, "USD", "What response-cache hits saved.");
    public static readonly Counter<long> Unpriced = LlmFallbackDiagnostics.Meter.CreateCounter<long>(UnpricedInstrument, "{request}", "Metered calls whose model has no known price.");

    private static readonly object True = true;
    private static readonly object False = false;

    public static TagList Tags(string? provider, string? model, string? route, string? tenant)
    {
        var tags = default(TagList);
        tags.Add(LlmFallbackDiagnostics.ProviderTag, provider ?? "unknown");
        tags.Add(LlmFallbackDiagnostics.ResponseModelTag, model ?? "unknown");
        tags.Add(RouteTag, route ?? "default");
        tags.Add(TenantTag, tenant ?? "none");
        return tags;
    }

    public static object Bool(bool value) => value ? True : False;
}
