namespace LlmFallback;

/// <summary>
/// Routes and how requests are matched to them. <see cref="Routes"/> are bound from <c>Llm:Routes</c>; everything else
/// from <c>Llm:Routing</c>.
/// </summary>
public sealed class RoutingOptions
{
    /// <summary>
    /// Gets the routes (aliases and model groups) by name, case-insensitive. A request names one with
    /// <c>ChatOptions.ModelId</c> or <c>options.WithRoute(...)</c>, or a rule or the classifier picks one.
    /// </summary>
    /// <value>The default is empty.</value>
    public IDictionary<string, LlmRouteOptions> Routes { get; } = new Dictionary<string, LlmRouteOptions>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets or sets the route of a request that names none and that no rule or classifier places.</summary>
    /// <value>The default is <see langword="null"/>: such a request goes down the fallback stage's own chain.</value>
    public string? DefaultRoute { get; set; }

    /// <summary>Gets or sets the rules, tried in order after the caller's explicit choice; the first that matches picks the route.</summary>
    /// <value>The default is empty.</value>
    public IList<LlmRoutingRule> Rules { get; set; } = [];

    /// <summary>Gets or sets the complexity classifier tried after the rules: simple requests to one route, complex ones to another.</summary>
    public ComplexityRoutingOptions Complexity { get; set; } = new();

    /// <summary>
    /// Gets or sets the strategy of a model group: a request whose <c>ModelId</c> names a model (not a route) goes to
    /// every registered provider serving that model, ordered by this strategy.
    /// </summary>
    /// <value>The default is <see cref="LlmRoutingStrategy.Ordered"/>.</value>
    public LlmRoutingStrategy ModelGroupStrategy { get; set; } = LlmRoutingStrategy.Ordered;

    /// <summary>
    /// Gets or sets the output tokens reserved by the context-window check when neither the request
    /// (<c>ChatOptions.MaxOutputTokens</c>) nor the deployment (<c>Capabilities:MaxOutputTokens</c>) says.
    /// </summary>
    /// <value>The default is 1024.</value>
    public int DefaultOutputTokens { get; set; } = 1024;

    /// <summary>
    /// Gets or sets the routes tried, in order, when none of a route's deployments can hold a request (its prompt plus
    /// its output), unless the route names its own <see cref="LlmRouteOptions.ContextWindowFallbacks"/>.
    /// </summary>
    /// <value>The default is empty: such a request fails with <see cref="LlmContextWindowExceededException"/>.</value>
    public IList<string> ContextWindowFallbacks { get; set; } = [];

}

/// <summary>One route: a group of deployments (registered providers, each with its model) and how a request's plan orders them. Bound from <c>Llm:Routes:&lt;name&gt;</c>.</summary>
public sealed class LlmRouteOptions
{
    /// <summary>Gets or sets the deployments. In configuration, each is a provider name or an object with <c>Provider</c>, <c>Weight</c> and <c>Priority</c>; a route may also be just a list of them.</summary>
    /// <value>The default is empty; a route needs at least one, and at most 15.</value>
    public IList<LlmRouteDeployment> Deployments { get; set; } = [];

    /// <summary>Gets or sets how the deployments are ordered for each request (within each priority).</summary>
    /// <value>The default is <see cref="LlmRoutingStrategy.Ordered"/>.</value>
    public LlmRoutingStrategy Strategy { get; set; } = LlmRoutingStrategy.Ordered;

    /// <summary>Gets or sets other names a request may use for this route.</summary>
    /// <value>The default is empty.</value>
    public IList<string> Aliases { get; set; } = [];

    /// <summary>Gets or sets example requests that belong on this route, for the embedding classifier.</summary>
    /// <value>The default is empty.</value>
    public IList<string> Examples { get; set; } = [];

    /// <summary>Gets or sets what the route is for, in a sentence the LLM judge classifier reads.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public string? Description { get; set; }

    /// <summary>Gets or sets routes tried, in order, when none of this route's deployments can hold a request.</summary>
    /// <value>The default is empty: <see cref="RoutingOptions.ContextWindowFallbacks"/> applies.</value>
    public IList<string> ContextWindowFallbacks { get; set; } = [];
}

/// <summary>A deployment of a route: a registered provider (which carries its model), its weight and its priority.</summary>
public sealed class LlmRouteDeployment
{
    /// <summary>Gets or sets the registered provider's name.</summary>
    /// <value>The default is empty; required.</value>
    public string Provider { get; set; } = string.Empty;

    /// <summary>Gets or sets the deployment's share of traffic under <see cref="LlmRoutingStrategy.WeightedRandom"/>, between 1 and 1000.</summary>
    /// <value>The default is 1.</value>
    public int Weight { get; set; } = 1;

    /// <summary>Gets or sets the deployment's tier: every deployment of a lower priority comes before any of a higher one; the strategy orders each tier.</summary>
    /// <value>The default is 0.</value>
    public int Priority { get; set; }
}

/// <summary>How a route orders its deployments for each request. Every strategy puts deployments that are unavailable now (open breaker, cool-down) last, where the fallback stage can still wait for them.</summary>
public enum LlmRoutingStrategy
{
    /// <summary>The configured order.</summary>
    Ordered = 0,

    /// <summary>Random, in proportion to <see cref="LlmRouteDeployment.Weight"/>.</summary>
    WeightedRandom = 1,

    /// <summary>Each request starts at the next deployment.</summary>
    RoundRobin = 2,

    /// <summary>Fewest calls in flight first.</summary>
    LeastInFlight = 3,

    /// <summary>Lowest moving-average latency first (time to first token for streams), the first picked by power of two choices.</summary>
    LatencyBased = 4,

    /// <summary>Cheapest estimated cost of the request first, from each deployment's <c>Pricing</c>; unknown prices last.</summary>
    CostBased = 5,

    /// <summary>Deployments under their requests- and tokens-per-minute limits first (least used first); those at their limit last.</summary>
    UsageAware = 6,
}
