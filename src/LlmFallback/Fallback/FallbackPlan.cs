namespace LlmFallback;

/// <summary>
/// An immutable snapshot of a fallback stage's chain and settings, swapped as a whole when options reload, so a
/// request reads one consistent set of values with a single field read.
/// </summary>
internal sealed class FallbackPlan
{
    private readonly string[] _contextWindowFallbacks;

    private FallbackPlan(LlmProvider[] providers, FallbackOptions options, TimeProvider timeProvider)
        : this(providers, options.MaxAttemptsPerRequest, options.MaxWaitForAvailability, options.OnContentPolicy, options.OnBadRequest, options.Streaming.Clone(), [.. options.ContextWindowFallbacks], HedgePlan.Create(options.Hedging, timeProvider), timeProvider)
    {
    }

    private FallbackPlan(
        LlmProvider[] providers,
        int maxAttempts,
        TimeSpan maxWait,
        LlmFailureAction onContentPolicy,
        LlmFailureAction onBadRequest,
        StreamingFallbackOptions streaming,
        string[] contextWindowFallbacks,
        HedgePlan? hedging,
        TimeProvider timeProvider)
    {
        Providers = providers;
        MaxAttempts = maxAttempts;
        MaxWaitForAvailability = maxWait;
        OnContentPolicy = onContentPolicy;
        OnBadRequest = onBadRequest;
        Streaming = streaming;
        Hedging = hedging;
        TimeProvider = timeProvider;
        _contextWindowFallbacks = contextWindowFallbacks;
        AutoFirstToken = streaming.FirstTokenTimeoutMode == LlmTimingMode.Auto ? streaming.AutoFirstTokenTimeout : null;
        IsContextFallback = new bool[providers.Length];
        AttemptTimeouts = new TimeSpan[providers.Length];
        FirstTokenTimeouts = new TimeSpan[providers.Length];
        IdleTimeouts = new TimeSpan[providers.Length];
        for (var i = 0; i < providers.Length; i++)
        {
            var p = providers[i];
            AttemptTimeouts[i] = p.Policy.AttemptTimeout;
            FirstTokenTimeouts[i] = p.Policy.FirstTokenTimeout ?? Streaming.FirstTokenTimeout;
            IdleTimeouts[i] = p.Policy.IdleTimeout ?? Streaming.IdleTimeout;
            foreach (var name in contextWindowFallbacks)
            {
                IsContextFallback[i] |= string.Equals(name, p.Name, StringComparison.OrdinalIgnoreCase);
            }

            if (hedging is not null || AutoFirstToken is not null)
            {
                // Adaptive delays and limits read the providers' latencies, and hedges their calls in flight.
                p.TrackLoad();
            }
        }

        // The partial text is only worth keeping while the stream runs if some provider could continue it.
        foreach (var p in providers)
        {
            KeepsCommittedText |= Streaming.Rescue == StreamRescueMode.Continue && p.Capabilities.PrefillContinuation;
        }

        CommitImmediately = !Streaming.HoldbackUntilComplete && Streaming.HoldbackCharacters == 0 && Streaming.HoldbackDuration == TimeSpan.Zero;
    }

    public LlmProvider[] Providers { get; }

    public int MaxAttempts { get; }

    public TimeSpan MaxWaitForAvailability { get; }

    public LlmFailureAction OnContentPolicy { get; }

    public LlmFailureAction OnBadRequest { get; }

    public StreamingFallbackOptions Streaming { get; }

    public bool CommitImmediately { get; }

    /// <summary>Gets a value indicating whether streams keep the text the caller received, for a rescue continuation.</summary>
    public bool KeepsCommittedText { get; }

    public bool[] IsContextFallback { get; }

    public TimeSpan[] AttemptTimeouts { get; }

    public TimeSpan[] FirstTokenTimeouts { get; }

    public TimeSpan[] IdleTimeouts { get; }

    /// <summary>Gets the hedging settings and budget, or <see langword="null"/> when requests are not hedged.</summary>
    public HedgePlan? Hedging { get; }

    /// <summary>Gets how first-token timeouts are learned, or <see langword="null"/> when they are fixed.</summary>
    public AdaptiveTimeoutOptions? AutoFirstToken { get; }

    public TimeProvider TimeProvider { get; }

    /// <summary>
    /// The same settings over other providers (a route's deployments, in the order its strategy chose): the hedge
    /// budget is shared, so a routed request draws from the stage's budget.
    /// </summary>
    /// <exception cref="InvalidOperationException">A provider uses another clock than the stage.</exception>
    public FallbackPlan Derive(LlmProvider[] providers)
    {
        foreach (var p in providers)
        {
            if (p.TimeProvider != TimeProvider)
            {
                throw new InvalidOperationException($"Provider '{p.Name}' of a route uses a different TimeProvider than the fallback stage; every routed provider must share the stage's clock.");
            }
        }

        return new FallbackPlan(providers, MaxAttempts, MaxWaitForAvailability, OnContentPolicy, OnBadRequest, Streaming, _contextWindowFallbacks, Hedging, TimeProvider);
    }

    public static FallbackPlan Create(IReadOnlyList<LlmProvider> providers, FallbackOptions options, TimeProvider timeProvider, string prefix, string paramName)
    {
        var errors = new List<string>();
        LlmOptionsValidation.ValidateFallback(options, prefix, errors);
        if (providers.Count == 0)
        {
            errors.Add($"{prefix}:Chain must name at least one provider.");
        }

        var array = new LlmProvider[providers.Count];
        for (var i = 0; i < array.Length; i++)
        {
            var p = providers[i];
            if (p is null)
            {
                errors.Add($"{prefix}:Chain:{i} is null.");
                continue;
            }

            if (p.TimeProvider != timeProvider)
            {
                errors.Add($"Provider '{p.Name}' uses a different TimeProvider than the fallback stage; every provider of a chain must share the stage's clock.");
            }

            for (var j = 0; j < i; j++)
            {
                if (array[j] is { } other && string.Equals(other.Name, p.Name, StringComparison.OrdinalIgnoreCase))
                {
                    errors.Add($"{prefix}:Chain:{i} repeats provider '{p.Name}'; a provider's retries are set by its Resilience:MaxRetries.");
                }
            }

            array[i] = p;
        }

        if (options.ContextWindowFallbacks is { } fallbacks)
        {
            for (var i = 0; i < fallbacks.Count; i++)
            {
                var found = false;
                foreach (var p in array)
                {
                    found |= p is not null && string.Equals(p.Name, fallbacks[i], StringComparison.OrdinalIgnoreCase);
                }

                if (!found && !string.IsNullOrWhiteSpace(fallbacks[i]))
                {
                    errors.Add($"{prefix}:ContextWindowFallbacks:{i} names '{fallbacks[i]}', which is not in the chain.");
                }
            }
        }

        LlmOptionsValidation.ThrowIfAny(errors, paramName);
        return new FallbackPlan(array, options, timeProvider);
    }
}
