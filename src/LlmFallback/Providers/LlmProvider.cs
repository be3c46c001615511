using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmFallback;

/// <summary>
/// A named provider at run time: its client, its model and capabilities, its attempt policy, and its health
/// (circuit breaker and upstream cool-down). One instance per provider is shared by every pipeline that uses it,
/// so breaker state reflects all traffic to the provider.
/// </summary>
public sealed partial class LlmProvider
{
    private readonly ILlmFailureClassifier[] _classifiers;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="LlmProvider"/> class.</summary>
    /// <param name="name">The provider's name, used in logs, metrics and <see cref="LlmCallInfo"/>.</param>
    /// <param name="client">The provider's chat client (an adapter). The provider does not own or dispose it.</param>
    /// <param name="options">Model, capabilities, pricing and attempt policy; <see langword="null"/> for the defaults. The values are copied.</param>
    /// <param name="classifiers">Classifiers for the client's own exception types, tried before <see cref="LlmFailureClassifier.Default"/>.</param>
    /// <param name="timeProvider">The clock; <see langword="null"/> for <see cref="TimeProvider.System"/>. Every provider and fallback stage of a pipeline must share one clock.</param>
    /// <param name="loggerFactory">Logs breaker transitions; <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> or <paramref name="client"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is blank, or an option is out of range (the message names it).</exception>
    public LlmProvider(
        string name,
        IChatClient client,
        LlmProviderOptions? options = null,
        IEnumerable<ILlmFailureClassifier>? classifiers = null,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null)
        : this(name, client, options, classifiers, timeProvider, loggerFactory, upstream: null, configurationPath: null)
    {
    }

    internal LlmProvider(
        string name,
        IChatClient client,
        LlmProviderOptions? options,
        IEnumerable<ILlmFailureClassifier>? classifiers,
        TimeProvider? timeProvider,
        ILoggerFactory? loggerFactory,
        UpstreamState? upstream,
        string? configurationPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(client);
        options = (options ?? new()).Clone();
        var errors = new List<string>();
        LlmOptionsValidation.ValidateProvider(options, configurationPath ?? $"Providers:{name}", errors);
        LlmOptionsValidation.ThrowIfAny(errors, nameof(options));

        Name = name;
        Client = client;
        Type = options.Type;
        Model = options.Model;
        Capabilities = options.Capabilities.Resolve();
        Pricing = options.Pricing;
        Policy = options.Resilience;
        TimeProvider = timeProvider ?? TimeProvider.System;
        Clock = LlmClock.For(TimeProvider);
        Upstream = upstream ?? new UpstreamState(options.Upstream ?? name);
        HasReplicas = options.Replicas is { Count: > 0 };
        Limiter = ProviderLimiter.For(options.Limits, Clock);
        _classifiers = classifiers is null ? [] : [.. classifiers];
        _logger = (ILogger?)loggerFactory?.CreateLogger("LlmFallback.Providers") ?? NullLogger.Instance;
        Breaker = new CircuitBreaker(Policy.CircuitBreaker, TimeProvider);
        Breaker.Transitioned += OnBreakerTransition;
    }

    /// <summary>Gets the provider's name.</summary>
    public string Name { get; }

    /// <summary>Gets the provider's chat client.</summary>
    public IChatClient Client { get; }

    /// <summary>Gets the adapter type, if known.</summary>
    public string? Type { get; }

    /// <summary>Gets the model this provider serves, if configured.</summary>
    public string? Model { get; }

    /// <summary>Gets what the model can do. Treat as read-only.</summary>
    public LlmProviderCapabilities Capabilities { get; }

    /// <summary>Gets what the model costs. Treat as read-only.</summary>
    public LlmModelPricing Pricing { get; }

    /// <summary>Gets the name of the upstream whose cool-down this provider shares.</summary>
    public string UpstreamName => Upstream.Name;

    internal LlmAttemptPolicyOptions Policy { get; }

    internal TimeProvider TimeProvider { get; }

    internal LlmClock Clock { get; }

    internal CircuitBreaker Breaker { get; }

    internal UpstreamState Upstream { get; }

    /// <summary>Gets the account of the provider's per-minute limits, or <see langword="null"/> when it declares none.</summary>
    internal ProviderLimiter? Limiter { get; }

    /// <summary>Gets a value indicating whether the provider's HTTP layer spreads calls over replicas (and reads the attempt context).</summary>
    internal bool HasReplicas { get; }

    /// <summary>Gets the provider's current availability.</summary>
    /// <returns>A snapshot of breaker and cool-down state.</returns>
    public LlmProviderHealth GetHealth()
    {
        var nowTs = Clock.Now;
        var now = TimeProvider.GetUtcNow();
        var state = Breaker.State;
        long until = 0;
        if (state == LlmCircuitState.Open && Breaker.OpenUntil > nowTs)
        {
            until = Breaker.OpenUntil;
        }

        var coolingDown = Upstream.IsCoolingDown(nowTs);
        if (coolingDown)
        {
            until = Math.Max(until, Upstream.CooldownUntil);
        }

        DateTimeOffset? availableAt = until == 0 ? null : LlmClock.WallTime(now, Clock.Elapsed(nowTs, until));
        return new LlmProviderHealth(Name, state, availableAt, coolingDown, Breaker.ConsecutiveFailures, Breaker.LastFailureKind);
    }

    /// <summary>Classifies an exception thrown by <see cref="Client"/>: the provider's classifiers first, then the shared rules.</summary>
    /// <param name="exception">The exception.</param>
    /// <returns>The classification.</returns>
    public LlmFailure Classify(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var failure = ClassifyOriginal(exception);

        // What the failure keeps reaches exceptions the caller sees: never a secret a server echoed back. Adapters
        // already hand over scrubbed exceptions (returned as they are); a user-supplied client's are scrubbed here.
        return failure.Exception is { } kept && LlmSecrets.ScrubIfNeeded(kept) is var scrubbed && !ReferenceEquals(scrubbed, kept)
            ? new LlmFailure(failure.Kind, failure.StatusCode, failure.RetryAfter, failure.ErrorCode, scrubbed)
            : failure;
    }

    private LlmFailure ClassifyOriginal(Exception exception)
    {
        foreach (var classifier in _classifiers)
        {
            if (classifier.Classify(exception) is { } failure)
            {
                return failure;
            }
        }

        return LlmFailureClassifier.Classify(exception);
    }

    /// <summary>Returns the provider's name and model.</summary>
    /// <returns>A log-safe description.</returns>
    public override string ToString() => Model is null ? Name : $"{Name} ({Model})";

    /// <summary>
    /// Returns the timestamp until which the provider refuses calls for a known time (a cool-down, an open breaker),
    /// or 0 when it does not (it may still be probing or ramping, which ends with a call, not at a time).
    /// </summary>
    internal long UnavailableUntil(long now)
    {
        long until = 0;
        if (Upstream.IsCoolingDown(now))
        {
            until = Upstream.CooldownUntil;
        }

        if (Breaker.State == LlmCircuitState.Open && Breaker.OpenUntil > now)
        {
            until = Math.Max(until, Breaker.OpenUntil);
        }

        if (Limiter is { } limiter && limiter.IsFull(now))
        {
            until = Math.Max(until, limiter.NextRoom(now));
        }

        return until;
    }

    private void OnBreakerTransition(LlmCircuitState from, LlmCircuitState to, LlmFailureKind? cause)
    {
        if (to == LlmCircuitState.Closed)
        {
            // Back from an outage: traffic returns gradually, not all at once. The ramp is in place before the pulse
            // (StartRamp pulses), so the waiters it wakes find it.
            Upstream.StartRamp();
        }
        else
        {
            Upstream.Signal.Pulse();
        }

        if (LlmFallbackDiagnostics.BreakerTransitions.Enabled)
        {
            LlmFallbackDiagnostics.BreakerTransitions.Add(
                1,
                new(LlmFallbackDiagnostics.ProviderTag, Name),
                new("from", LlmFallbackDiagnostics.StateName(from)),
                new("to", LlmFallbackDiagnostics.StateName(to)));
        }

        if (to == LlmCircuitState.Open)
        {
            ShareOpening(cause);
            Log.BreakerOpened(_logger, Name, from, cause is { } c ? LlmFallbackDiagnostics.KindName(c) : "failures", Policy.CircuitBreaker.BreakDuration);
        }
        else
        {
            Log.BreakerChanged(_logger, Name, from, to);
        }
    }
}
