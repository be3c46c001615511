using LlmFallback.Tests.Fallback;

namespace LlmFallback.Tests.Routing;

/// <summary>Providers on one fake clock, each answering with its own name, and routing stages over a fallback stage.</summary>
internal sealed class RoutingFixture
{
    public FallbackFixture Fallback { get; } = new();

    public List<LlmProvider> Providers { get; } = [];

    public Dictionary<string, TestChatClient> Clients { get; } = new(StringComparer.OrdinalIgnoreCase);

    public LlmProvider Add(string name, Action<LlmProviderOptions>? configure = null, TestChatClient? client = null)
    {
        client ??= TestChatClient.Answering(name);
        var provider = Fallback.Provider(name, client, configure);
        Providers.Add(provider);
        Clients[name] = client;
        return provider;
    }

    public LlmProvider this[string name] => Providers.Single(p => p.Name == name);

    /// <summary>A route table over the fixture's providers, with seeded randomness.</summary>
    public RouteTable Table(RoutingOptions options, int seed = 42) =>
        new(options, Providers, Fallback.Time, "Llm", nameof(options)) { Random = new Random(seed) };

    /// <summary>A routing stage over a fallback stage whose own chain is the first provider.</summary>
    public LlmRoutingChatClient Router(RoutingOptions options, FallbackOptions? fallbackOptions = null, ILlmRouteClassifier? classifier = null, int seed = 42)
    {
        var fallback = Fallback.Client([Providers[0]], fallbackOptions);
        var router = new LlmRoutingChatClient(fallback, Providers, options, classifier, Fallback.Time, Fallback.LoggerFactory);
        router.Table.Random = new Random(seed);
        return router;
    }

    /// <summary>The provider names of a plan, in order.</summary>
    public static string[] Names(RoutedPlan plan)
    {
        var names = new string[PlanOrder.Count(plan.Order)];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = plan.Source.Deployments[PlanOrder.At(plan.Order, i)].Name;
        }

        return names;
    }

    /// <summary>Plans a request on a route by name (not streaming unless asked).</summary>
    public static RoutedPlan Plan(RouteTable table, string route, ChatOptions? options = null, IReadOnlyList<ChatMessage>? messages = null, bool streaming = false)
    {
        messages ??= [new(ChatRole.User, "hello")];
        var tokens = new PromptTokens(messages, options);
        var compiled = table.Find(route)!;
        return table.Plan(compiled, compiled.Explicit, options, ref tokens, streaming);
    }

    public static RoutingOptions Options(Action<RoutingOptions> configure)
    {
        var options = new RoutingOptions();
        configure(options);
        return options;
    }

    public static LlmRouteOptions Route(LlmRoutingStrategy strategy, params string[] providers) => new()
    {
        Strategy = strategy,
        Deployments = [.. providers.Select(p => new LlmRouteDeployment { Provider = p })],
    };
}
