namespace LlmFallback.Tests.Fallback;

public sealed class HedgingOptionsTests
{
    private const string H = "Llm:Fallback:Hedging";
    private const string A = "Llm:Fallback:Streaming:AutoFirstTokenTimeout";

    [Fact]
    public void Constructor_Defaults_AreDocumentedValues()
    {
        var options = new HedgingOptions();

        Assert.False(options.Enabled);
        Assert.Equal(TimeSpan.FromSeconds(2), options.Delay);
        Assert.Equal(LlmTimingMode.Fixed, options.DelayMode);
        Assert.Equal(0.95, options.Percentile);
        Assert.Equal(TimeSpan.FromMilliseconds(50), options.MinDelay);
        Assert.Equal(20, options.MinSamples);
        Assert.Equal(0.1, options.MaxHedgeRatio);
        Assert.Equal(TimeSpan.FromSeconds(10), options.BudgetWindow);
        Assert.NotNull(new FallbackOptions().Hedging);
    }

    [Fact]
    public void AdaptiveTimeoutOptions_Defaults_AreDocumentedValues()
    {
        var options = new AdaptiveTimeoutOptions();
        var streaming = new StreamingFallbackOptions();

        Assert.Equal((0.99, 3.0, TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(5), 20), (options.Percentile, options.Multiplier, options.Floor, options.Ceiling, options.MinSamples));
        Assert.Equal(LlmTimingMode.Fixed, streaming.FirstTokenTimeoutMode);
        Assert.NotNull(streaming.AutoFirstTokenTimeout);
    }

    public static TheoryData<string, string> Rules => new()
    {
        { "hedging-null", $"{H} must not be null." },
        { "delay", $"{H}:Delay must be between 00:00:00 and 01:00:00 (was -00:00:01)." },
        { "mode", $"{H}:DelayMode has an unknown value '9'; expected one of: Fixed, Auto." },
        { "percentile", $"{H}:Percentile must be between 0.5 and 0.999 (was 1)." },
        { "min-delay", $"{H}:MinDelay must be between 00:00:00 and 01:00:00 (was 02:00:00)." },
        { "min-samples", $"{H}:MinSamples must be between 1 and 100000 (was 0)." },
        { "ratio", $"{H}:MaxHedgeRatio must be between 0 and 1 (was 1.5)." },
        { "window", $"{H}:BudgetWindow must be between 00:00:01 and 01:00:00 (was 00:00:00)." },
        { "ttft-mode", "Llm:Fallback:Streaming:FirstTokenTimeoutMode has an unknown value '5'; expected one of: Fixed, Auto." },
        { "auto-null", $"{A} must not be null." },
        { "auto-percentile", $"{A}:Percentile must be between 0.5 and 0.999 (was 0.2)." },
        { "auto-multiplier", $"{A}:Multiplier must be between 1 and 100 (was 0.5)." },
        { "auto-floor", $"{A}:Floor must be between 00:00:00.0010000 and 1.00:00:00 (was 00:00:00)." },
        { "auto-ceiling", $"{A}:Ceiling must not be less than {A}:Floor." },
        { "auto-samples", $"{A}:MinSamples must be between 1 and 100000 (was 0)." },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void ValidateFallback_InvalidValue_ExactMessageNamingTheKey(string rule, string message)
    {
        var options = new FallbackOptions();
        Action<FallbackOptions> change = rule switch
        {
            "hedging-null" => o => o.Hedging = null!,
            "delay" => o => o.Hedging.Delay = TimeSpan.FromSeconds(-1),
            "mode" => o => o.Hedging.DelayMode = (LlmTimingMode)9,
            "percentile" => o => o.Hedging.Percentile = 1,
            "min-delay" => o => o.Hedging.MinDelay = TimeSpan.FromHours(2),
            "min-samples" => o => o.Hedging.MinSamples = 0,
            "ratio" => o => o.Hedging.MaxHedgeRatio = 1.5,
            "window" => o => o.Hedging.BudgetWindow = TimeSpan.Zero,
            "ttft-mode" => o => o.Streaming.FirstTokenTimeoutMode = (LlmTimingMode)5,
            "auto-null" => o => o.Streaming.AutoFirstTokenTimeout = null!,
            "auto-percentile" => o => o.Streaming.AutoFirstTokenTimeout.Percentile = 0.2,
            "auto-multiplier" => o => o.Streaming.AutoFirstTokenTimeout.Multiplier = 0.5,
            "auto-floor" => o => o.Streaming.AutoFirstTokenTimeout.Floor = TimeSpan.Zero,
            "auto-ceiling" => o => o.Streaming.AutoFirstTokenTimeout.Ceiling = TimeSpan.FromSeconds(1),
            "auto-samples" => o => o.Streaming.AutoFirstTokenTimeout.MinSamples = 0,
            _ => throw new ArgumentOutOfRangeException(nameof(rule)),
        };
        change(options);
        var errors = new List<string>();

        LlmOptionsValidation.ValidateFallback(options, "Llm:Fallback", errors);

        Assert.Equal([message], errors);
    }

    [Fact]
    public void FallbackChatClient_InvalidHedging_ArgumentExceptionNamingTheKey()
    {
        var f = new FallbackFixture();
        var options = FallbackFixture.Options(o => o.Hedging.MaxHedgeRatio = 2);

        var ex = Assert.Throws<ArgumentException>(() => f.Client([f.Provider("a", new TestChatClient())], options));

        Assert.StartsWith("Fallback:Hedging:MaxHedgeRatio must be between 0 and 1 (was 2).", ex.Message, StringComparison.Ordinal);
    }
}
