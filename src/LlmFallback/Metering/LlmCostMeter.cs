using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmFallback;

/// <summary>
/// Prices calls and records them: annotations on <see cref="LlmCallInfo"/>, the cost and token counters, and the
/// ledger. Prices come from the answering provider's configured <c>Pricing</c> (field by field), then the catalogue
/// (with the application's <c>Llm:Pricing</c> overrides). Shared by the metering, budget and caching stages.
/// </summary>
internal sealed partial class LlmCostMeter
{
    private const int MaxResolved = 4096;

    private readonly ConcurrentDictionary<(string Provider, string Model), LlmPrice?> _prices = new();
    private readonly ConcurrentDictionary<(string Provider, string Model), byte> _warned = new();
    private readonly LlmProviderRegistry? _registry;
    private readonly ILogger _logger;

    public LlmCostMeter(LlmPriceCatalog? catalog, LlmProviderRegistry? registry, ICostLedger? ledger, TimeProvider? timeProvider, ILoggerFactory? loggerFactory)
    {
        Catalog = catalog ?? LlmPriceCatalog.Default;
        _registry = registry;
        Ledger = ledger;
        TimeProvider = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)loggerFactory?.CreateLogger("LlmFallback.Metering") ?? NullLogger.Instance;
    }

    public LlmPriceCatalog Catalog { get; }

    public ICostLedger? Ledger { get; }

    public TimeProvider TimeProvider { get; }

    /// <summary>The price of <paramref name="model"/> as served by <paramref name="provider"/>; unknown prices are warned about once.</summary>
    public LlmPrice? Resolve(string? provider, string? model)
    {
        var key = (provider ?? string.Empty, model ?? string.Empty);
        if (_prices.TryGetValue(key, out var price))
        {
            return price;
        }

        LlmModelPricing? configured = null;
        string? configuredModel = null;
        if (provider is not null && _registry is not null && _registry.TryGetProvider(provider, out var p))
        {
            configured = p.Pricing;
            configuredModel = p.Model;
        }

        var modelId = model ?? configuredModel;
        price = LlmPrice.Merge(configured, modelId is null ? null : Catalog.Find(modelId));
        if (_prices.Count < MaxResolved)
        {
            _prices.TryAdd(key, price);
        }

        if (price is null && _warned.TryAdd(key, 0))
        {
            MeteringLog.ModelUnpriced(_logger, modelId ?? "(none)", provider ?? "(none)");
        }

        return price;
    }

    /// <summary>Annotates <paramref name="info"/> with the call's usage and cost, counts it, and records it in the ledger.</summary>
    public void RecordCall(LlmCallInfo info, ChatOptions? options, in MeteredUsage usage)
    {
        var price = Resolve(info.Provider, info.ModelId);
        var cost = usage.IsComplete ? price?.Cost(usage.Input, usage.Output, usage.Cached) : null;
        var a = info.Annotations;
        a.InputTokens = usage.InputOrNull;
        a.OutputTokens = usage.OutputOrNull;
        a.CachedInputTokens = usage.CachedOrNull;
        a.Cost = cost;
        a.UsageEstimated = usage.Estimated;

        // The route routing chose (on the way back, inside this stage) names the call better than the caller's model id.
        var route = info.Route?.Route ?? options?.ModelId;
        var tenant = options.GetTenant();
        if (MeteringDiagnostics.Tokens.Enabled || MeteringDiagnostics.Cost.Enabled || MeteringDiagnostics.Unpriced.Enabled || MeteringDiagnostics.CachedTokens.Enabled)
        {
            Count(info, usage, cost, route, tenant);
        }

        Write(info, options, usage, cost, saved: null, route, tenant);
    }

    /// <summary>Records a response-cache hit: what the cached call would have cost now.</summary>
    public decimal? RecordSaved(LlmCallInfo? info, string? provider, string? model, ChatOptions? options, in MeteredUsage usage)
    {
        var saved = usage.IsComplete ? Resolve(provider, model)?.Cost(usage.Input, usage.Output, usage.Cached) : null;
        if (info is not null)
        {
            info.Annotations.CostSaved = saved;
        }

        var route = info?.Route?.Route ?? options?.ModelId;
        var tenant = options.GetTenant();
        if (saved is { } s && MeteringDiagnostics.CostSaved.Enabled)
        {
            var tags = MeteringDiagnostics.Tags(provider, model, route, tenant);
            tags.Add(MeteringDiagnostics.ReasonTag, "cache_hit");
            MeteringDiagnostics.CostSaved.Add((double)s, in tags);
        }

        var entry = new LlmCostEntry
        {
            Timestamp = TimeProvider.GetUtcNow(),
            Provider = provider,
            Model = model,
            Route = route,
            User = options.GetUser(),
            Tenant = tenant,
            ApiKeyId = options.GetApiKeyId(),
            Cost = saved is null ? null : 0m,
            CostSaved = saved,
            IsEstimated = usage.Estimated,
        };
        Write(in entry);
        return saved;
    }
}
