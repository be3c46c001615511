using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmFallback;

/// <summary>
/// Picks the plan of each request, cheapest check first: the route the caller named (<see cref="ChatOptions.ModelId"/>
/// naming a route, an alias, a model or a provider, or <c>options.WithRoute(...)</c>), else the first matching rule,
/// else a classifier, else the default route. Then keeps the route's deployments that can hold the request (context
/// window), orders them by the route's strategy (available ones first), and hands the plan to the fallback stage
/// inside it, which walks it with its classification, breakers, retries, waiting, hedging and rescue.
/// </summary>
/// <remarks>
/// <para>
/// Place it directly outside <c>UseFallback</c>. It never calls a provider itself and never retries: the fallback stage
/// does both. The plan travels on a copy of the caller's options (under an internal <c>llmfallback.*</c> key) whose
/// <see cref="ChatOptions.ModelId"/> is cleared: each provider is called with its own configured model. A request that
/// names nothing, with no rule, classifier or default route to place it, passes through untouched and goes down the
/// fallback stage's own chain.
/// </para>
/// <para>
/// The decision and its reason are on <see cref="LlmCallInfo.Route"/> of the response (or of the final stream update),
/// tagged on the <c>llmfallback.chat</c> activity, and counted in <c>llmfallback.routing.decisions</c>.
/// </para>
/// </remarks>
public sealed partial class LlmRoutingChatClient : DelegatingChatClient
{
    private readonly RouteTable _table;
    private readonly ILlmRouteClassifier? _classifier;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="LlmRoutingChatClient"/> class.</summary>
    /// <param name="innerClient">The pipeline inside, which must hold the <see cref="FallbackChatClient"/> the plans are for.</param>
    /// <param name="providers">The providers routes may name (usually every registered provider).</param>
    /// <param name="options">The routes, rules and classifier settings.</param>
    /// <param name="classifier">A classifier tried after the rules instead of the built-in heuristic; <see langword="null"/> for none.</param>
    /// <param name="timeProvider">The providers' clock; <see langword="null"/> for theirs.</param>
    /// <param name="loggerFactory">Where routing decisions are logged; <see langword="null"/> for nowhere.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An option is invalid; the message names each key.</exception>
    /// <exception cref="InvalidOperationException"><paramref name="innerClient"/> holds no <see cref="FallbackChatClient"/>.</exception>
    public LlmRoutingChatClient(
        IChatClient innerClient,
        IEnumerable<LlmProvider> providers,
        RoutingOptions options,
        ILlmRouteClassifier? classifier = null,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null)
        : this(innerClient, providers, options, classifier, timeProvider, loggerFactory, "Llm")
    {
    }

    internal LlmRoutingChatClient(
        IChatClient innerClient,
        IEnumerable<LlmProvider> providers,
        RoutingOptions options,
        ILlmRouteClassifier? classifier,
        TimeProvider? timeProvider,
        ILoggerFactory? loggerFactory,
        string configurationPath)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(providers);
        ArgumentNullException.ThrowIfNull(options);
        LlmProvider[] all = [.. providers];
        var fallback = innerClient.GetService<FallbackChatClient>()
            ?? throw new InvalidOperationException("UseRouting must be placed outside UseFallback: the inner pipeline holds no FallbackChatClient to hand routes to.");
        _table = new RouteTable(options, all, timeProvider ?? (all.Length > 0 ? all[0].TimeProvider : TimeProvider.System), configurationPath, nameof(options));
        _classifier = classifier;
        _logger = (ILogger?)loggerFactory?.CreateLogger("LlmFallback.Routing") ?? NullLogger.Instance;
        fallback.AcceptRoutes();
    }

    /// <summary>Gets the route table (tests seed its randomness).</summary>
    internal RouteTable Table => _table;

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The request names an unknown route, alias, model or provider.</exception>
    /// <exception cref="LlmContextWindowExceededException">No deployment the request could go to can hold it.</exception>
    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = LlmMessages.Validate(messages);
        var tokens = new PromptTokens(list, options);
        var (route, decision) = _table.Choose(list, options, ref tokens);
        if (route is null && _classifier is not null)
        {
            return ClassifyThenSendAsync(list, options, tokens, cancellationToken);
        }

        route ??= _table.Default;
        if (route is null)
        {
            return base.GetResponseAsync(list, options, cancellationToken);
        }

        var plan = _table.Plan(route, decision ?? route.Default, options, ref tokens, streaming: false);
        return SendAsync(list, options, plan, tokens, cancellationToken);
    }

    /// <summary>The classifier's path; <paramref name="tokens"/> carries whatever the rules already counted, so the request is counted once.</summary>
    private async Task<ChatResponse> ClassifyThenSendAsync(IReadOnlyList<ChatMessage> messages, ChatOptions? options, PromptTokens tokens, CancellationToken cancellationToken)
    {
        var (route, decision) = await ClassifyAsync(messages, options, cancellationToken).ConfigureAwait(false);
        if (route is null)
        {
            return await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }

        var plan = _table.Plan(route, decision!, options, ref tokens, streaming: false);
        return await SendAsync(messages, options, plan, tokens, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ChatResponse> SendAsync(IReadOnlyList<ChatMessage> messages, ChatOptions? options, RoutedPlan plan, PromptTokens tokens, CancellationToken cancellationToken)
    {
        Decided(plan.Decision);
        var response = await base.GetResponseAsync(messages, WithPlan(options, plan), cancellationToken).ConfigureAwait(false);
        Annotate(response.GetLlmCallInfo(), plan, tokens.Counted);
        return response;
    }

    /// <summary>The classifier's route, else the default route; a classifier that fails or names no known route leaves it to the default.</summary>
    private async ValueTask<(CompiledRoute? Route, LlmRouteDecision? Decision)> ClassifyAsync(IReadOnlyList<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        try
        {
            var verdict = await _classifier!.ClassifyAsync(messages, options, cancellationToken).ConfigureAwait(false);
            if (verdict.Route is { } name && _table.Find(name) is { } route)
            {
                return (route, new LlmRouteDecision(route.Name, LlmRouteReason.Classifier, verdict.Label));
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            RoutingLog.ClassifierFailed(_logger, ex.GetType().Name);
        }

        return (_table.Default, _table.Default?.Default);
    }

    /// <summary>A copy of the caller's options carrying the plan, without the model id that named the route.</summary>
    private static ChatOptions WithPlan(ChatOptions? options, RoutedPlan plan)
    {
        var copy = options?.Clone() ?? new ChatOptions();
        copy.ModelId = null;
        (copy.AdditionalProperties ??= [])[RoutedPlan.Key] = plan;
        return copy;
    }

    private void Decided(LlmRouteDecision decision)
    {
        RoutingLog.RouteChosen(_logger, decision.Route, decision);
        RoutingDiagnostics.RecordDecision(decision);
    }

    private static void Annotate(LlmCallInfo? info, RoutedPlan plan, int? promptTokens)
    {
        if (info is not null)
        {
            var annotations = info.Annotations;
            annotations.Route = plan.Decision;
            annotations.PromptTokens = promptTokens;
        }
    }

}
