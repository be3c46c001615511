namespace LlmFallback.Tests.Routing;

public sealed class RoutingOptionsTests
{
    [Fact]
    public void Constructor_Defaults_AreDocumentedValues()
    {
        var options = new RoutingOptions();
        var route = new LlmRouteOptions();
        var deployment = new LlmRouteDeployment();
        var rule = new LlmRoutingRule();
        var complexity = new ComplexityRoutingOptions();

        Assert.Empty(options.Routes);
        Assert.Null(options.DefaultRoute);
        Assert.Empty(options.Rules);
        Assert.Equal(LlmRoutingStrategy.Ordered, options.ModelGroupStrategy);
        Assert.Equal(1024, options.DefaultOutputTokens);
        Assert.Empty(options.ContextWindowFallbacks);
        Assert.Equal((LlmRoutingStrategy.Ordered, 0, 0, 0, null, 0), (route.Strategy, route.Deployments.Count, route.Aliases.Count, route.Examples.Count, route.Description, route.ContextWindowFallbacks.Count));
        Assert.Equal((string.Empty, 1, 0), (deployment.Provider, deployment.Weight, deployment.Priority));
        Assert.Equal((null, string.Empty, 0, null, null, null, null, 0), (rule.Name, rule.Route, rule.Metadata.Count, rule.HasTools, rule.HasImages, rule.MinPromptTokens, rule.MaxPromptTokens, rule.Keywords.Count));
        Assert.Equal((null, null, 0.5), (complexity.SimpleRoute, complexity.ComplexRoute, complexity.Threshold));
    }

    public static TheoryData<string, string> Rules => new()
    {
        { "no-deployments", "Llm:Routes:r:Deployments must name at least one provider." },
        { "too-many", "Llm:Routes:r:Deployments has 16 deployments; a route holds at most 15." },
        { "blank-provider", "Llm:Routes:r:Deployments:0 must name a provider." },
        { "unknown-provider", "Llm:Routes:r:Deployments:1 names provider 'ghost', which is not registered. Registered providers: a, b." },
        { "repeat", "Llm:Routes:r:Deployments:1 repeats provider 'A'; give it a larger Weight instead." },
        { "weight", "Llm:Routes:r:Deployments:0:Weight must be between 1 and 1000 (was 0)." },
        { "strategy", "Llm:Routes:r:Strategy has an unknown value '42'; expected one of: Ordered, WeightedRandom, RoundRobin, LeastInFlight, LatencyBased, CostBased, UsageAware." },
        { "alias-is-route", "Llm:Routes:r:Aliases:0 'other' is already a route; every route and alias name must be unique." },
        { "alias-twice", "Llm:Routes:other:Aliases:0 'x' is already an alias of route 'r'; every route and alias name must be unique." },
        { "default", "Llm:Routing:DefaultRoute names route 'nope', which is not defined. Defined routes and aliases: other, r." },
        { "rule-route", "Llm:Routing:Rules:0:Route must name a route." },
        { "rule-tokens", "Llm:Routing:Rules:0:MinPromptTokens and Llm:Routing:Rules:0:MaxPromptTokens must not be negative, and the minimum must not exceed the maximum." },
        { "rule-keyword", "Llm:Routing:Rules:0:Keywords:0 must not be blank." },
        { "complexity-half", "Llm:Routing:Complexity needs both SimpleRoute and ComplexRoute, or neither." },
        { "complexity-threshold", "Llm:Routing:Complexity:Threshold must be between 0 and 1 (was 2)." },
        { "context-fallback", "Llm:Routes:r:ContextWindowFallbacks:0 names route 'long', which is not defined. Defined routes and aliases: other, r." },
        { "output", "Llm:Routing:DefaultOutputTokens must be between 1 and 10000000 (was 0)." },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void Validate_InvalidValue_ExactMessageNamingTheKey(string rule, string message)
    {
        var options = RoutingFixture.Options(o =>
        {
            o.Routes["r"] = RoutingFixture.Route(LlmRoutingStrategy.Ordered, "a");
            o.Routes["other"] = RoutingFixture.Route(LlmRoutingStrategy.Ordered, "b");
        });
        var r = options.Routes["r"];
        Action change = rule switch
        {
            "no-deployments" => () => r.Deployments.Clear(),
            "too-many" => () => r.Deployments = [.. Enumerable.Range(0, 16).Select(i => new LlmRouteDeployment { Provider = i % 2 == 0 ? "a" : "b", Weight = 1 })],
            "blank-provider" => () => r.Deployments[0].Provider = " ",
            "unknown-provider" => () => r.Deployments.Add(new LlmRouteDeployment { Provider = "ghost" }),
            "repeat" => () => r.Deployments.Add(new LlmRouteDeployment { Provider = "A" }),
            "weight" => () => r.Deployments[0].Weight = 0,
            "strategy" => () => r.Strategy = (LlmRoutingStrategy)42,
            "alias-is-route" => () => r.Aliases = ["other"],
            "alias-twice" => () => { r.Aliases = ["x"]; options.Routes["other"].Aliases = ["x"]; },
            "default" => () => options.DefaultRoute = "nope",
            "rule-route" => () => options.Rules = [new LlmRoutingRule()],
            "rule-tokens" => () => options.Rules = [new LlmRoutingRule { Route = "r", MinPromptTokens = 10, MaxPromptTokens = 5 }],
            "rule-keyword" => () => options.Rules = [new LlmRoutingRule { Route = "r", Keywords = [""] }],
            "complexity-half" => () => options.Complexity.SimpleRoute = "r",
            "complexity-threshold" => () => options.Complexity.Threshold = 2,
            "context-fallback" => () => r.ContextWindowFallbacks = ["long"],
            "output" => () => options.DefaultOutputTokens = 0,
            _ => throw new ArgumentOutOfRangeException(nameof(rule)),
        };
        change();
        var errors = new List<string>();

        RoutingValidation.Validate(options, new HashSet<string>(["a", "b"], StringComparer.OrdinalIgnoreCase), "Llm", errors);

        if (rule == "too-many")
        {
            Assert.Equal(message, errors[0]);
        }
        else
        {
            Assert.Equal([message], errors);
        }
    }

    [Fact]
    public void Validate_Defaults_AreValid()
    {
        var errors = new List<string>();

        RoutingValidation.Validate(new RoutingOptions(), new HashSet<string>(), "Llm", errors);

        Assert.Empty(errors);
    }
}
