using Microsoft.Extensions.DependencyInjection;

namespace LlmFallback;

/// <summary>Says that a pipeline stage's services were registered, so <c>UseLlmFallbackDefaults()</c> adds that stage.</summary>
internal sealed class LlmStageMarker
{
    public const string RateLimiting = "rate-limiting";
    public const string Budgets = "budgets";
    public const string Moderation = "moderation";
    public const string Pii = "pii";
    public const string CostOptimization = "cost-optimization";
    public const string Caching = "caching";
    public const string Metering = "metering";
    public const string Routing = "routing";
    public const string InputValidation = "input-validation";

    private LlmStageMarker(string stage) => Stage = stage;

    public string Stage { get; }

    /// <summary>Registers the marker once.</summary>
    public static void Add(IServiceCollection services, string stage)
    {
        foreach (var descriptor in services)
        {
            if (descriptor.ImplementationInstance is LlmStageMarker marker && marker.Stage == stage)
            {
                return;
            }
        }

        services.AddSingleton(new LlmStageMarker(stage));
    }
}
