namespace LlmFallback.Tests.Internal;

public class LlmOptionsValidationTests
{
    private const string P = "Llm:Providers:openai";
    private const string R = P + ":Resilience";
    private const string B = R + ":CircuitBreaker";
    private const string F = "Llm:Fallback";
    private const string S = F + ":Streaming";

    [Fact]
    public void ValidateProvider_Defaults_AreValid()
    {
        Assert.Empty(Provider(_ => { }));
        Assert.Empty(Fallback(_ => { }));
        Assert.Empty(Budget(_ => { }));
    }

    public static TheoryData<string, string> ProviderRules => new()
    {
        { "endpoint-relative", $"{P}:Endpoint must be an absolute http or https address." },
        { "endpoint-ftp", $"{P}:Endpoint must be an absolute http or https address." },
        { "replicas-null", $"{P}:Replicas must not be null." },
        { "replica-no-endpoint", $"{P}:Replicas:0:Endpoint must be an absolute http or https address." },
        { "replica-query", $"{P}:Replicas:0:Endpoint must be a base address without a query or fragment." },
        { "replica-repeat", $"{P}:Replicas:1:Endpoint repeats {P}:Replicas:0:Endpoint; give the replica a larger Weight instead." },
        { "replica-weight", $"{P}:Replicas:0:Weight must be between 1 and 1000 (was 0)." },
        { "balancing", $"{P}:Balancing has an unknown value '7'; expected one of: LeastInFlight, Weighted." },
        { "replica-health-null", $"{P}:ReplicaHealth must not be null." },
        { "replica-health-failures", $"{P}:ReplicaHealth:ConsecutiveFailures must be between 1 and 1000 (was 0)." },
        { "replica-health-base", $"{P}:ReplicaHealth:BaseEjectionTime must be between 00:00:00.0010000 and 01:00:00 (was 00:00:00)." },
        { "replica-health-max", $"{P}:ReplicaHealth:MaxEjectionTime must be between 00:00:00.0010000 and 01:00:00 (was 02:00:00)." },
        { "capabilities-null", $"{P}:Capabilities must not be null." },
        { "context-window", $"{P}:Capabilities:ContextWindow must be positive (was 0)." },
        { "max-output", $"{P}:Capabilities:MaxOutputTokens must be positive (was -5)." },
        { "pricing-null", $"{P}:Pricing must not be null." },
        { "price-input", $"{P}:Pricing:InputPerMillionTokens must not be negative (was -1)." },
        { "price-output", $"{P}:Pricing:OutputPerMillionTokens must not be negative (was -0.5)." },
        { "price-cached", $"{P}:Pricing:CachedInputPerMillionTokens must not be negative (was -0.01)." },
        { "resilience-null", $"{P}:Resilience must not be null." },
        { "max-retries-low", $"{R}:MaxRetries must be between 0 and 10 (was -1)." },
        { "max-retries-high", $"{R}:MaxRetries must be between 0 and 10 (was 11)." },
        { "base-delay", $"{R}:BaseDelay must be between 00:00:00 and 01:00:00 (was -00:00:01)." },
        { "max-delay", $"{R}:MaxDelay must be between 00:00:00 and 01:00:00 (was 02:00:00)." },
        { "max-delay-below-base", $"{R}:MaxDelay must not be less than {R}:BaseDelay." },
        { "max-retry-after", $"{R}:MaxRetryAfter must be between 00:00:00 and 01:00:00 (was -00:00:01)." },
        { "attempt-timeout-zero", $"{R}:AttemptTimeout must be positive and at most one day, or infinite (-00:00:00.001) (was 00:00:00)." },
        { "attempt-timeout-long", $"{R}:AttemptTimeout must be positive and at most one day, or infinite (-00:00:00.001) (was 2.00:00:00)." },
        { "first-token", $"{R}:FirstTokenTimeout must be positive and at most one day, or infinite (-00:00:00.001) (was -00:00:05)." },
        { "idle", $"{R}:IdleTimeout must be positive and at most one day, or infinite (-00:00:00.001) (was 00:00:00)." },
        { "breaker-null", $"{R}:CircuitBreaker must not be null." },
        { "ratio-zero", $"{B}:FailureRatio must be greater than 0 and at most 1 (was 0)." },
        { "ratio-high", $"{B}:FailureRatio must be greater than 0 and at most 1 (was 1.5)." },
        { "ratio-nan", $"{B}:FailureRatio must be greater than 0 and at most 1 (was NaN)." },
        { "throughput", $"{B}:MinimumThroughput must be between 1 and 100000 (was 0)." },
        { "consecutive", $"{B}:ConsecutiveFailures must be between 0 and 100000 (was -1)." },
        { "sampling", $"{B}:SamplingDuration must be between 00:00:00.1000000 and 01:00:00 (was 00:00:00.0500000)." },
        { "break", $"{B}:BreakDuration must be between 00:00:00.0010000 and 01:00:00 (was 00:00:00)." },
    };

    [Theory]
    [MemberData(nameof(ProviderRules))]
    public void ValidateProvider_EachRule_ExactMessageNamingTheKey(string rule, string message)
    {
        var errors = Provider(o => Break(o, rule));

        Assert.Equal([message], errors);
    }

    [Fact]
    public void ValidateProvider_InfiniteTimeouts_AreValid()
    {
        Assert.Empty(Provider(o =>
        {
            o.Resilience.AttemptTimeout = Timeout.InfiniteTimeSpan;
            o.Resilience.FirstTokenTimeout = Timeout.InfiniteTimeSpan;
            o.Resilience.IdleTimeout = Timeout.InfiniteTimeSpan;
            o.Resilience.CircuitBreaker.ConsecutiveFailures = 0;
            o.Resilience.MaxRetries = 0;
            o.Resilience.BaseDelay = TimeSpan.Zero;
            o.Resilience.MaxDelay = TimeSpan.Zero;
        }));
    }

    [Fact]
    public void ValidateProvider_SeveralProblems_ReportsEachInOrder()
    {
        var errors = Provider(o =>
        {
            o.Endpoint = new Uri("file:///etc/passwd");
            o.Capabilities.ContextWindow = 0;
            o.Resilience.MaxRetries = 99;
        });

        Assert.Equal(
            [
                $"{P}:Endpoint must be an absolute http or https address.",
                $"{P}:Capabilities:ContextWindow must be positive (was 0).",
                $"{R}:MaxRetries must be between 0 and 10 (was 99).",
            ],
            errors);
    }

    [Fact]
    public void ValidateProvider_EndpointWithSecrets_IsNeverEchoed()
    {
        var errors = Provider(o => o.Endpoint = new Uri("ftp://user:s3cret@example.com/?api-key=sk-123"));

        Assert.DoesNotContain("s3cret", errors[0], StringComparison.Ordinal);
        Assert.DoesNotContain("sk-123", errors[0], StringComparison.Ordinal);
    }

    public static TheoryData<string, string> FallbackRules => new()
    {
        { "attempts-zero", $"{F}:MaxAttemptsPerRequest must be between 1 and 100 (was 0)." },
        { "attempts-high", $"{F}:MaxAttemptsPerRequest must be between 1 and 100 (was 101)." },
        { "content-policy", $"{F}:OnContentPolicy has an unknown value '9'; expected one of: Surface, FailOver." },
        { "bad-request", $"{F}:OnBadRequest has an unknown value '-1'; expected one of: Surface, FailOver." },
        { "chain-null", $"{F}:Chain must not be null." },
        { "chain-blank", $"{F}:Chain:1 must name a provider." },
        { "chain-repeat", $"{F}:Chain:2 repeats provider 'OpenAI'; a provider's retries are set by its Resilience:MaxRetries." },
        { "context-null", $"{F}:ContextWindowFallbacks must not be null." },
        { "context-blank", $"{F}:ContextWindowFallbacks:0 must name a provider." },
        { "streaming-null", $"{F}:Streaming must not be null." },
        { "first-token", $"{S}:FirstTokenTimeout must be positive and at most one day, or infinite (-00:00:00.001) (was 00:00:00)." },
        { "idle", $"{S}:IdleTimeout must be positive and at most one day, or infinite (-00:00:00.001) (was -00:00:02)." },
        { "holdback-chars", $"{S}:HoldbackCharacters must be between 0 and 1000000 (was -1)." },
        { "holdback-duration", $"{S}:HoldbackDuration must be between 00:00:00 and 01:00:00 (was 01:00:01)." },
        { "grace", $"{S}:CompletionGracePeriod must be between 00:00:00 and 01:00:00 (was -00:00:00.0010000)." },
        { "rescue", $"{S}:Rescue has an unknown value '3'; expected one of: None, Continue." },
    };

    [Theory]
    [MemberData(nameof(FallbackRules))]
    public void ValidateFallback_EachRule_ExactMessageNamingTheKey(string rule, string message)
    {
        var errors = Fallback(o => Break(o, rule));

        Assert.Equal([message], errors);
    }

    public static TheoryData<string, string> BudgetRules => new()
    {
        { "ratio-low", "Llm:RetryBudget:RetryRatio must be between 0 and 10 (was -0.1)." },
        { "ratio-high", "Llm:RetryBudget:RetryRatio must be between 0 and 10 (was 11)." },
        { "ratio-nan", "Llm:RetryBudget:RetryRatio must be between 0 and 10 (was NaN)." },
        { "floor", "Llm:RetryBudget:MinRetriesPerSecond must be between 0 and 1000000 (was -1)." },
        { "window-short", "Llm:RetryBudget:Window must be between 00:00:01 and 01:00:00 (was 00:00:00.9990000)." },
        { "window-long", "Llm:RetryBudget:Window must be between 00:00:01 and 01:00:00 (was 02:00:00)." },
    };

    [Theory]
    [MemberData(nameof(BudgetRules))]
    public void ValidateRetryBudget_EachRule_ExactMessageNamingTheKey(string rule, string message)
    {
        var errors = Budget(o =>
        {
            switch (rule)
            {
                case "ratio-low": o.RetryRatio = -0.1; break;
                case "ratio-high": o.RetryRatio = 11; break;
                case "ratio-nan": o.RetryRatio = double.NaN; break;
                case "floor": o.MinRetriesPerSecond = -1; break;
                case "window-short": o.Window = TimeSpan.FromMilliseconds(999); break;
                default: o.Window = TimeSpan.FromHours(2); break;
            }
        });

        Assert.Equal([message], errors);
    }

    [Fact]
    public void ThrowIfAny_Errors_ThrowsArgumentExceptionNamingTheParameter()
    {
        var ex = Assert.Throws<ArgumentException>("options", () => LlmOptionsValidation.ThrowIfAny(["a.", "b."], "options"));

        Assert.Equal("a. b. (Parameter 'options')", ex.Message);
    }

    [Fact]
    public void ThrowIfAny_NoErrors_DoesNothing() => LlmOptionsValidation.ThrowIfAny([], "options");

    private static List<string> Provider(Action<LlmProviderOptions> configure)
    {
        var options = new LlmProviderOptions();
        configure(options);
        var errors = new List<string>();
        LlmOptionsValidation.ValidateProvider(options, P, errors);
        return errors;
    }

    private static List<string> Fallback(Action<FallbackOptions> configure)
    {
        var options = new FallbackOptions();
        configure(options);
        var errors = new List<string>();
        LlmOptionsValidation.ValidateFallback(options, F, errors);
        return errors;
    }

    private static List<string> Budget(Action<LlmRetryBudgetOptions> configure)
    {
        var options = new LlmRetryBudgetOptions();
        configure(options);
        var errors = new List<string>();
        LlmOptionsValidation.ValidateRetryBudget(options, "Llm:RetryBudget", errors);
        return errors;
    }

    private static void Break(LlmProviderOptions o, string rule)
    {
        var r = o.Resilience;
        var b = r.CircuitBreaker;
        switch (rule)
        {
            case "endpoint-relative": o.Endpoint = new Uri("/v1", UriKind.Relative); break;
            case "endpoint-ftp": o.Endpoint = new Uri("ftp://example.com/v1"); break;
            case "replicas-null": o.Replicas = null!; break;
            case "replica-no-endpoint": o.Replicas.Add(new LlmReplicaOptions()); break;
            case "replica-query": o.Replicas.Add(new LlmReplicaOptions { Endpoint = new Uri("http://10.0.0.1/v1?key=x") }); break;
            case "replica-repeat":
                o.Replicas.Add(new LlmReplicaOptions { Endpoint = new Uri("http://10.0.0.1:8000/v1") });
                o.Replicas.Add(new LlmReplicaOptions { Endpoint = new Uri("http://10.0.0.1:8000/v1/") });
                break;
            case "replica-weight": o.Replicas.Add(new LlmReplicaOptions { Endpoint = new Uri("http://10.0.0.1/v1"), Weight = 0 }); break;
            case "balancing": o.Balancing = (LlmReplicaBalancing)7; break;
            case "replica-health-null": o.ReplicaHealth = null!; break;
            case "replica-health-failures": o.ReplicaHealth.ConsecutiveFailures = 0; break;
            case "replica-health-base": o.ReplicaHealth.BaseEjectionTime = TimeSpan.Zero; break;
            case "replica-health-max": o.ReplicaHealth.MaxEjectionTime = TimeSpan.FromHours(2); break;
            case "capabilities-null": o.Capabilities = null!; break;
            case "context-window": o.Capabilities.ContextWindow = 0; break;
            case "max-output": o.Capabilities.MaxOutputTokens = -5; break;
            case "pricing-null": o.Pricing = null!; break;
            case "price-input": o.Pricing.InputPerMillionTokens = -1m; break;
            case "price-output": o.Pricing.OutputPerMillionTokens = -0.5m; break;
            case "price-cached": o.Pricing.CachedInputPerMillionTokens = -0.01m; break;
            case "resilience-null": o.Resilience = null!; break;
            case "max-retries-low": r.MaxRetries = -1; break;
            case "max-retries-high": r.MaxRetries = 11; break;
            case "base-delay": r.BaseDelay = TimeSpan.FromSeconds(-1); r.MaxDelay = TimeSpan.FromSeconds(1); break;
            case "max-delay": r.MaxDelay = TimeSpan.FromHours(2); break;
            case "max-delay-below-base": r.BaseDelay = TimeSpan.FromSeconds(5); r.MaxDelay = TimeSpan.FromSeconds(4); break;
            case "max-retry-after": r.MaxRetryAfter = TimeSpan.FromSeconds(-1); break;
            case "attempt-timeout-zero": r.AttemptTimeout = TimeSpan.Zero; break;
            case "attempt-timeout-long": r.AttemptTimeout = TimeSpan.FromDays(2); break;
            case "first-token": r.FirstTokenTimeout = TimeSpan.FromSeconds(-5); break;
            case "idle": r.IdleTimeout = TimeSpan.Zero; break;
            case "breaker-null": r.CircuitBreaker = null!; break;
            case "ratio-zero": b.FailureRatio = 0; break;
            case "ratio-high": b.FailureRatio = 1.5; break;
            case "ratio-nan": b.FailureRatio = double.NaN; break;
            case "throughput": b.MinimumThroughput = 0; break;
            case "consecutive": b.ConsecutiveFailures = -1; break;
            case "sampling": b.SamplingDuration = TimeSpan.FromMilliseconds(50); break;
            case "break": b.BreakDuration = TimeSpan.Zero; break;
            default: throw new ArgumentOutOfRangeException(nameof(rule), rule, null);
        }
    }

    private static void Break(FallbackOptions o, string rule)
    {
        var s = o.Streaming;
        switch (rule)
        {
            case "attempts-zero": o.MaxAttemptsPerRequest = 0; break;
            case "attempts-high": o.MaxAttemptsPerRequest = 101; break;
            case "content-policy": o.OnContentPolicy = (LlmFailureAction)9; break;
            case "bad-request": o.OnBadRequest = (LlmFailureAction)(-1); break;
            case "chain-null": o.Chain = null!; break;
            case "chain-blank": o.Chain = ["a", " "]; break;
            case "chain-repeat": o.Chain = ["openai", "b", "OpenAI"]; break;
            case "context-null": o.ContextWindowFallbacks = null!; break;
            case "context-blank": o.ContextWindowFallbacks = [""]; break;
            case "streaming-null": o.Streaming = null!; break;
            case "first-token": s.FirstTokenTimeout = TimeSpan.Zero; break;
            case "idle": s.IdleTimeout = TimeSpan.FromSeconds(-2); break;
            case "holdback-chars": s.HoldbackCharacters = -1; break;
            case "holdback-duration": s.HoldbackDuration = TimeSpan.FromSeconds(3601); break;
            case "grace": s.CompletionGracePeriod = TimeSpan.FromMilliseconds(-1); break;
            case "rescue": s.Rescue = (StreamRescueMode)3; break;
            default: throw new ArgumentOutOfRangeException(nameof(rule), rule, null);
        }
    }
}
