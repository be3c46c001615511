using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmFallback;

/// <summary>
/// Sends each request down an ordered chain of providers: retries transient failures per provider policy, skips
/// providers whose breaker is open or that are cooling down (waiting for them, within a budget, when nobody else can
/// answer), fails over by failure class, times out silent and stalled streams, and rescues streams that fail after
/// output was committed.
/// </summary>
/// <remarks>
/// <para>
/// This stage is the end of a pipeline: it calls the providers of its chain, not an inner client, so it implements
/// <see cref="IChatClient"/> directly rather than deriving from <see cref="DelegatingChatClient"/>. It is built on
/// its own loop rather than on Microsoft.Extensions.AI's <c>FailoverChatClient</c> because that base forbids any
/// fail-over once streaming output is exposed (which rules out rescue), owns the attempt loop in sealed methods
/// (no per-provider retries, timeouts or holdback), and allocates per request where this stage does not.
/// </para>
/// <para>
/// Every attempt, streaming or not, goes through one routine: a permit from the provider (cool-down, slow start,
/// breaker), the call, one classification, one decision, and one report of the outcome to the provider, settled in a
/// <c>finally</c> whatever the caller does. Providers are shared and are not disposed by this stage. Every response,
/// and the final update of every stream, carries an <see cref="LlmCallInfo"/>.
/// </para>
/// <para>
/// With <see cref="FallbackOptions.Hedging"/> on, a call still unanswered (a stream: without its first token) after the
/// hedge delay becomes a composite attempt with a second call to the next provider of the plan; each call is still
/// judged and settled once. Behind a <c>LlmRoutingChatClient</c>, a request walks the plan its route chose (a route's
/// deployments in its strategy's order) instead of this stage's chain.
/// </para>
/// </remarks>
public sealed partial class FallbackChatClient : IChatClient
{
    // An outer UseOpenTelemetry reads this before the call: the stage answers for whichever provider answers, so it
    // names no provider or model of its own (the response carries the answering model; attempts carry providers).
    private static readonly ChatClientMetadata Metadata = new();

    private readonly TimeProvider _time;
    private readonly LlmClock _clock;
    private readonly LlmRetryBudget _retryBudget;
    private readonly ILogger _logger;
    private readonly AttemptTimerPool _timers;
    private readonly IChatClient? _ownedClient;
    private FallbackPlan _plan;
    private IDisposable? _subscription;
    private volatile bool _acceptsRoutes;

    /// <summary>Initializes a new instance of the <see cref="FallbackChatClient"/> class.</summary>
    /// <param name="providers">The providers to try, in order.</param>
    /// <param name="options">What to do on each failure class; <see langword="null"/> for the defaults. <see cref="FallbackOptions.Chain"/> is ignored: <paramref name="providers"/> is the chain.</param>
    /// <param name="retryBudget">The process-wide retry budget to draw from; <see langword="null"/> for one owned by this stage.</param>
    /// <param name="timeProvider">The clock; <see langword="null"/> for the providers' clock. It must be the clock every provider uses.</param>
    /// <param name="loggerFactory">Where attempts, fail-overs and rescues are logged; <see langword="null"/> for nowhere.</param>
    /// <exception cref="ArgumentNullException"><paramref name="providers"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The chain is empty, repeats a provider, mixes clocks, or an option is out of range; the message names it.</exception>
    public FallbackChatClient(
        IEnumerable<LlmProvider> providers,
        FallbackOptions? options = null,
        LlmRetryBudget? retryBudget = null,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null)
        : this(providers, options, retryBudget, timeProvider, loggerFactory, ownedClient: null, configurationPath: "Fallback")
    {
    }

    internal FallbackChatClient(
        IEnumerable<LlmProvider> providers,
        FallbackOptions? options,
        LlmRetryBudget? retryBudget,
        TimeProvider? timeProvider,
        ILoggerFactory? loggerFactory,
        IChatClient? ownedClient,
        string configurationPath)
    {
        ArgumentNullException.ThrowIfNull(providers);
        LlmProvider[] chain = [.. providers];
        _time = timeProvider ?? (chain.Length > 0 && chain[0] is { } first ? first.TimeProvider : TimeProvider.System);
        _plan = FallbackPlan.Create(chain, options ?? new FallbackOptions(), _time, configurationPath, nameof(providers));
        _clock = LlmClock.For(_time);
        if (retryBudget is not null && retryBudget.TimeProvider != _time)
        {
            throw new ArgumentException("The retry budget uses a different TimeProvider than the fallback stage; they must share one clock.", nameof(retryBudget));
        }

        _retryBudget = retryBudget ?? new LlmRetryBudget(timeProvider: _time);
        _logger = (ILogger?)loggerFactory?.CreateLogger("LlmFallback.Fallback") ?? NullLogger.Instance;
        _timers = new AttemptTimerPool(_time);
        _ownedClient = ownedClient;
    }

    /// <summary>Gets the providers of the chain, in order.</summary>
    public IReadOnlyList<LlmProvider> Providers => _plan.Providers;

    /// <summary>Gets or sets the source of backoff jitter in [0, 1); replaced by tests for determinism.</summary>
    internal Func<double> Jitter { get; set; } = Random.Shared.NextDouble;

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="messages"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="messages"/> is empty or holds a <see langword="null"/> message; no provider is called.</exception>
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        messages = LlmMessages.Validate(messages);
        var plan = PlanFor(options);
        var now = _clock.Now;
        _retryBudget.RecordRequest(now);
        plan.Hedging?.Budget.RecordRequest(now);
        var first = plan.Providers[0];

        // Fast path: the first provider admits the call and nobody is tracing. Completes without allocating when the
        // provider answers synchronously; otherwise continues in RunAsync with the call already in flight.
        if (cancellationToken.IsCancellationRequested
            || first.HasReplicas
            || LlmFallbackDiagnostics.ActivitySource.HasListeners()
            || !first.TryAcquire(now, out var permit, out _))
        {
            return RunAsync(messages, options, plan, null, null, default, 0, cancellationToken);
        }

        // The attempt deadline starts only if the call does not complete at once: an answer from a cache or an
        // in-process model costs no timer operation.
        var start = _time.GetTimestamp();
        var timeout = plan.AttemptTimeouts[0];
        // A call that may be hedged always has a timer: it is how the losing call is cancelled.
        var timer = timeout == Timeout.InfiniteTimeSpan && plan.Hedging is null ? null : _timers.RentUnstarted(AttemptDeadline.Attempt, cancellationToken);
        var task = Invoke(first, messages, options, timer?.Token ?? cancellationToken);
        if (!task.IsCompletedSuccessfully || IsFilteredForFailover(task.Result.FinishReason, plan))
        {
            timer?.Move(timeout, AttemptDeadline.Attempt);
            return RunAsync(messages, options, plan, task, timer, permit, start, cancellationToken);
        }

        var duration = _time.GetElapsedTime(start);
        timer?.ReleaseUnstarted();
        var response = task.Result;
        first.Succeed(ref permit);
        first.RecordUsage(response.Usage, now);
        first.RecordLatency(duration);
        response.ModelId ??= first.Model;
        response.SetLlmCallInfo(new LlmCallInfo(first.Name, response.ModelId, duration));
        RecordAttemptMetrics(first, null, LlmAttemptDecision.Answered, duration);
        RecordRequestMetrics(first, fallback: false, success: true);
        return task;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="messages"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="messages"/> is empty or holds a <see langword="null"/> message; no provider is called.</exception>
    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        StreamAsync(LlmMessages.Validate(messages), options, PlanFor(options), cancellationToken);

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is null && serviceType.IsInstanceOfType(this))
        {
            return this;
        }

        if (serviceKey is null && serviceType == typeof(ChatClientMetadata))
        {
            return Metadata;
        }

        return _plan.Providers[0].Client.GetService(serviceType, serviceKey);
    }

    /// <summary>Ends the options-reload subscription and disposes the client this stage owns (an anonymous inner client of <c>UseFallback</c>); shared providers are left to their owner.</summary>
    public void Dispose()
    {
        Interlocked.Exchange(ref _subscription, null)?.Dispose();
        _ownedClient?.Dispose();
    }

    /// <summary>
    /// Makes the stage follow the plans a routing stage attaches to requests (<see cref="RoutedPlan"/>). Called once by
    /// the routing stage placed outside it, so a stage nobody routes never looks for a plan.
    /// </summary>
    internal void AcceptRoutes() => _acceptsRoutes = true;

    /// <summary>Keeps the options-reload subscription that feeds <see cref="Reconfigure"/>, to end it on <see cref="Dispose"/>.</summary>
    internal void OwnSubscription(IDisposable? subscription) => _subscription = subscription;

    /// <summary>Replaces the stage's settings (options reload); in-flight requests keep the settings they started with.</summary>
    internal void Reconfigure(IReadOnlyList<LlmProvider> providers, FallbackOptions options, string configurationPath) =>
        Volatile.Write(ref _plan, FallbackPlan.Create(providers, options, _time, configurationPath, nameof(options)));

    /// <summary>The stage's plan, or the one a routing stage chose for this request (its deployments, in its order).</summary>
    private FallbackPlan PlanFor(ChatOptions? options) =>
        _acceptsRoutes && RoutedPlanOf(options) is { } routed ? routed.Resolve(_plan) : _plan;

    private static RoutedPlan? RoutedPlanOf(ChatOptions? options) =>
        options?.AdditionalProperties is { Count: > 0 } properties && properties.TryGetValue(RoutedPlan.Key, out var value) ? value as RoutedPlan : null;

    /// <summary>
    /// A provider that stops an answer with a content filter has refused it; when the application asked for
    /// <see cref="LlmFailureAction.FailOver"/> on policy refusals, that is a failure like a refusal by error status.
    /// </summary>
    private static bool IsFilteredForFailover(ChatFinishReason? finishReason, FallbackPlan plan) =>
        finishReason == ChatFinishReason.ContentFilter && plan.OnContentPolicy == LlmFailureAction.FailOver;

    private static Task<ChatResponse> Invoke(LlmProvider provider, IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken token)
    {
        try
        {
            return provider.Client.GetResponseAsync(messages, ForProvider(options, provider), token);
        }
#pragma warning disable CA1031 // A client that throws synchronously is treated like one that faults its task.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return Task.FromException<ChatResponse>(ex);
        }
    }

    /// <summary>Each provider is asked for its own configured model; the caller's model id passes through only where none is configured.</summary>
    private static ChatOptions? ForProvider(ChatOptions? options, LlmProvider provider)
    {
        if (options?.ModelId is { } requested && provider.Model is { } model && !string.Equals(requested, model, StringComparison.Ordinal))
        {
            var copy = options.Clone();
            copy.ModelId = model;
            return copy;
        }

        return options;
    }
}
