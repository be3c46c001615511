using System.Globalization;

namespace LlmFallback;

/// <summary>
/// The one place every option is checked. Messages name the configuration key (for example
/// <c>Llm:Providers:openai:Resilience:MaxRetries</c>) and never echo secrets or endpoint values.
/// </summary>
internal static class LlmOptionsValidation
{
    private static readonly TimeSpan MaxDuration = TimeSpan.FromHours(1);

    public static void ThrowIfAny(List<string> errors, string paramName)
    {
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), paramName);
        }
    }

    public static void ValidateProvider(LlmProviderOptions options, string prefix, List<string> errors)
    {
        if (options.Limits is { } limits)
        {
            LlmProviderLimitsValidator.Validate(limits, $"{prefix}:Limits", errors);
        }

        if (options.Endpoint is { } endpoint && (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps)))
        {
            errors.Add($"{prefix}:Endpoint must be an absolute http or https address.");
        }

        if (options.Replicas is null)
        {
            errors.Add($"{prefix}:Replicas must not be null.");
        }
        else
        {
            for (var i = 0; i < options.Replicas.Count; i++)
            {
                var key = $"{prefix}:Replicas:{i.ToString(CultureInfo.InvariantCulture)}";
                var replica = options.Replicas[i];
                if (replica?.Endpoint is not { IsAbsoluteUri: true } replicaEndpoint || (replicaEndpoint.Scheme != Uri.UriSchemeHttp && replicaEndpoint.Scheme != Uri.UriSchemeHttps))
                {
                    errors.Add($"{key}:Endpoint must be an absolute http or https address.");
                }

                else if (replicaEndpoint.Query.Length > 0 || replicaEndpoint.Fragment.Length > 0)
                {
                    errors.Add($"{key}:Endpoint must be a base address without a query or fragment.");
                }
                else
                {
                    for (var j = 0; j < i; j++)
                    {
                        if (options.Replicas[j]?.Endpoint is { IsAbsoluteUri: true } other && string.Equals(BaseAddress(other), BaseAddress(replicaEndpoint), StringComparison.Ordinal))
                        {
                            errors.Add($"{key}:Endpoint repeats {prefix}:Replicas:{j.ToString(CultureInfo.InvariantCulture)}:Endpoint; give the replica a larger Weight instead.");
                            break;
                        }
                    }
                }

                if (replica is not null)
                {
                    Range(replica.Weight, 1, 1000, $"{key}:Weight", errors);
                }
            }
        }

        Defined(options.Balancing, $"{prefix}:Balancing", errors);
        if (options.ReplicaHealth is not { } health)
        {
            errors.Add($"{prefix}:ReplicaHealth must not be null.");
        }
        else
        {
            Range(health.ConsecutiveFailures, 1, 1000, $"{prefix}:ReplicaHealth:ConsecutiveFailures", errors);
            Duration(health.BaseEjectionTime, TimeSpan.FromMilliseconds(1), MaxDuration, $"{prefix}:ReplicaHealth:BaseEjectionTime", errors);
            Duration(health.MaxEjectionTime, TimeSpan.FromMilliseconds(1), MaxDuration, $"{prefix}:ReplicaHealth:MaxEjectionTime", errors);
            if (health.MaxEjectionTime < health.BaseEjectionTime)
            {
                errors.Add($"{prefix}:ReplicaHealth:MaxEjectionTime must not be less than {prefix}:ReplicaHealth:BaseEjectionTime.");
            }
        }

        if (options.Capabilities is not { } caps)
        {
            errors.Add($"{prefix}:Capabilities must not be null.");
        }
        else
        {
            Positive(caps.ContextWindow, $"{prefix}:Capabilities:ContextWindow", errors);
            Positive(caps.MaxOutputTokens, $"{prefix}:Capabilities:MaxOutputTokens", errors);
        }

        if (options.Pricing is not { } pricing)
        {
            errors.Add($"{prefix}:Pricing must not be null.");
        }
        else
        {
            NotNegative(pricing.InputPerMillionTokens, $"{prefix}:Pricing:InputPerMillionTokens", errors);
            NotNegative(pricing.OutputPerMillionTokens, $"{prefix}:Pricing:OutputPerMillionTokens", errors);
            NotNegative(pricing.CachedInputPerMillionTokens, $"{prefix}:Pricing:CachedInputPerMillionTokens", errors);
        }

        if (options.Resilience is null)
        {
            errors.Add($"{prefix}:Resilience must not be null.");
        }
        else
        {
            ValidatePolicy(options.Resilience, $"{prefix}:Resilience", errors);
        }
    }

    public static void ValidatePolicy(LlmAttemptPolicyOptions policy, string prefix, List<string> errors)
    {
        Range(policy.MaxRetries, 0, 10, $"{prefix}:MaxRetries", errors);
        Duration(policy.BaseDelay, TimeSpan.Zero, MaxDuration, $"{prefix}:BaseDelay", errors);
        Duration(policy.MaxDelay, TimeSpan.Zero, MaxDuration, $"{prefix}:MaxDelay", errors);
        if (policy.MaxDelay < policy.BaseDelay)
        {
            errors.Add($"{prefix}:MaxDelay must not be less than {prefix}:BaseDelay.");
        }

        Duration(policy.MaxRetryAfter, TimeSpan.Zero, MaxDuration, $"{prefix}:MaxRetryAfter", errors);
        Timeout(policy.AttemptTimeout, $"{prefix}:AttemptTimeout", errors);
        if (policy.FirstTokenTimeout is { } first)
        {
            Timeout(first, $"{prefix}:FirstTokenTimeout", errors);
        }

        if (policy.IdleTimeout is { } idle)
        {
            Timeout(idle, $"{prefix}:IdleTimeout", errors);
        }

        if (policy.CircuitBreaker is not { } breaker)
        {
            errors.Add($"{prefix}:CircuitBreaker must not be null.");
            return;
        }

        var b = $"{prefix}:CircuitBreaker";
        if (!(breaker.FailureRatio > 0 && breaker.FailureRatio <= 1))
        {
            errors.Add($"{b}:FailureRatio must be greater than 0 and at most 1 (was {Format(breaker.FailureRatio)}).");
        }

        Range(breaker.MinimumThroughput, 1, 100_000, $"{b}:MinimumThroughput", errors);
        Range(breaker.ConsecutiveFailures, 0, 100_000, $"{b}:ConsecutiveFailures", errors);
        Duration(breaker.SamplingDuration, TimeSpan.FromMilliseconds(100), MaxDuration, $"{b}:SamplingDuration", errors);
        Duration(breaker.BreakDuration, TimeSpan.FromMilliseconds(1), MaxDuration, $"{b}:BreakDuration", errors);
    }

    public static void ValidateFallback(FallbackOptions options, string prefix, List<string> errors)
    {
        Range(options.MaxAttemptsPerRequest, 1, 100, $"{prefix}:MaxAttemptsPerRequest", errors);
        Defined(options.OnContentPolicy, $"{prefix}:OnContentPolicy", errors);
        Defined(options.OnBadRequest, $"{prefix}:OnBadRequest", errors);
        Names(options.Chain, $"{prefix}:Chain", errors);
        Names(options.ContextWindowFallbacks, $"{prefix}:ContextWindowFallbacks", errors);
        Duration(options.MaxWaitForAvailability, TimeSpan.Zero, MaxDuration, $"{prefix}:MaxWaitForAvailability", errors);
        ValidateHedging(options.Hedging, $"{prefix}:Hedging", errors);
        if (options.Streaming is not { } s)
        {
            errors.Add($"{prefix}:Streaming must not be null.");
            return;
        }

        var p = $"{prefix}:Streaming";
        Timeout(s.FirstTokenTimeout, $"{p}:FirstTokenTimeout", errors);
        Timeout(s.IdleTimeout, $"{p}:IdleTimeout", errors);
        Range(s.HoldbackCharacters, 0, 1_000_000, $"{p}:HoldbackCharacters", errors);
        Duration(s.HoldbackDuration, TimeSpan.Zero, MaxDuration, $"{p}:HoldbackDuration", errors);
        Duration(s.CompletionGracePeriod, TimeSpan.Zero, MaxDuration, $"{p}:CompletionGracePeriod", errors);
        Defined(s.Rescue, $"{p}:Rescue", errors);
        Defined(s.FirstTokenTimeoutMode, $"{p}:FirstTokenTimeoutMode", errors);
        if (s.AutoFirstTokenTimeout is not { } auto)
        {
            errors.Add($"{p}:AutoFirstTokenTimeout must not be null.");
            return;
        }

        var a = $"{p}:AutoFirstTokenTimeout";
        Between(auto.Percentile, 0.5, 0.999, $"{a}:Percentile", errors);
        Between(auto.Multiplier, 1, 100, $"{a}:Multiplier", errors);
        Duration(auto.Floor, TimeSpan.FromMilliseconds(1), TimeSpan.FromDays(1), $"{a}:Floor", errors);
        Duration(auto.Ceiling, TimeSpan.FromMilliseconds(1), TimeSpan.FromDays(1), $"{a}:Ceiling", errors);
        if (auto.Ceiling < auto.Floor)
        {
            errors.Add($"{a}:Ceiling must not be less than {a}:Floor.");
        }

        Range(auto.MinSamples, 1, 100_000, $"{a}:MinSamples", errors);
    }

    public static void ValidateHedging(HedgingOptions? hedging, string prefix, List<string> errors)
    {
        if (hedging is null)
        {
            errors.Add($"{prefix} must not be null.");
            return;
        }

        Duration(hedging.Delay, TimeSpan.Zero, MaxDuration, $"{prefix}:Delay", errors);
        Defined(hedging.DelayMode, $"{prefix}:DelayMode", errors);
        Between(hedging.Percentile, 0.5, 0.999, $"{prefix}:Percentile", errors);
        Duration(hedging.MinDelay, TimeSpan.Zero, MaxDuration, $"{prefix}:MinDelay", errors);
        Range(hedging.MinSamples, 1, 100_000, $"{prefix}:MinSamples", errors);
        Between(hedging.MaxHedgeRatio, 0, 1, $"{prefix}:MaxHedgeRatio", errors);
        Duration(hedging.BudgetWindow, TimeSpan.FromSeconds(1), MaxDuration, $"{prefix}:BudgetWindow", errors);
    }

    public static void ValidateRetryBudget(LlmRetryBudgetOptions options, string prefix, List<string> errors)
    {
        if (!(options.RetryRatio >= 0 && options.RetryRatio <= 10))
        {
            errors.Add($"{prefix}:RetryRatio must be between 0 and 10 (was {Format(options.RetryRatio)}).");
        }

        Range(options.MinRetriesPerSecond, 0, 1_000_000, $"{prefix}:MinRetriesPerSecond", errors);
        Duration(options.Window, TimeSpan.FromSeconds(1), MaxDuration, $"{prefix}:Window", errors);
    }

    private static void Names(IList<string>? names, string key, List<string> errors)
    {
        if (names is null)
        {
            errors.Add($"{key} must not be null.");
            return;
        }

        for (var i = 0; i < names.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(names[i]))
            {
                errors.Add($"{key}:{i.ToString(CultureInfo.InvariantCulture)} must name a provider.");
                continue;
            }

            for (var j = 0; j < i; j++)
            {
                if (string.Equals(names[i], names[j], StringComparison.OrdinalIgnoreCase))
                {
                    errors.Add($"{key}:{i.ToString(CultureInfo.InvariantCulture)} repeats provider '{names[i]}'; a provider's retries are set by its Resilience:MaxRetries.");
                    break;
                }
            }
        }
    }

    private static string BaseAddress(Uri address) => address.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped).TrimEnd('/');

    internal static void Range(int value, int min, int max, string key, List<string> errors)
    {
        if (value < min || value > max)
        {
            errors.Add($"{key} must be between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)} (was {value.ToString(CultureInfo.InvariantCulture)}).");
        }
    }

    public static void Between(double value, double min, double max, string key, List<string> errors)
    {
        if (!(value >= min && value <= max))
        {
            errors.Add($"{key} must be between {Format(min)} and {Format(max)} (was {Format(value)}).");
        }
    }

    internal static void Positive(int? value, string key, List<string> errors)
    {
        if (value is <= 0)
        {
            errors.Add($"{key} must be positive (was {value.Value.ToString(CultureInfo.InvariantCulture)}).");
        }
    }

    private static void NotNegative(decimal? value, string key, List<string> errors)
    {
        if (value is < 0)
        {
            errors.Add($"{key} must not be negative (was {value.Value.ToString(CultureInfo.InvariantCulture)}).");
        }
    }

    internal static void Duration(TimeSpan value, TimeSpan min, TimeSpan max, string key, List<string> errors)
    {
        if (value < min || value > max)
        {
            errors.Add($"{key} must be between {Format(min)} and {Format(max)} (was {Format(value)}).");
        }
    }

    private static void Timeout(TimeSpan value, string key, List<string> errors)
    {
        if (value != System.Threading.Timeout.InfiniteTimeSpan && (value <= TimeSpan.Zero || value > TimeSpan.FromDays(1)))
        {
            errors.Add($"{key} must be positive and at most one day, or infinite (-00:00:00.001) (was {Format(value)}).");
        }
    }

    internal static void Defined<TEnum>(TEnum value, string key, List<string> errors)
        where TEnum : struct, Enum
    {
        if (!Enum.IsDefined(value))
        {
            errors.Add($"{key} has an unknown value '{value}'; expected one of: {string.Join(", ", Enum.GetNames<TEnum>())}.");
        }
    }

    internal static string Format(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);

    internal static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);
}
