namespace LlmFallback;

/// <summary>
/// How an adaptive first-token timeout is learned: the limit is the deployment's recent <see cref="Percentile"/> time
/// to first token times <see cref="Multiplier"/>, kept between <see cref="Floor"/> and <see cref="Ceiling"/>; until
/// <see cref="MinSamples"/> streams have started, the fixed first-token timeout applies. Bound from
/// <c>Llm:Fallback:Streaming:AutoFirstTokenTimeout</c>; used when <see cref="StreamingFallbackOptions.FirstTokenTimeoutMode"/>
/// is <see cref="LlmTimingMode.Auto"/>.
/// </summary>
public sealed class AdaptiveTimeoutOptions
{
    /// <summary>Gets or sets the percentile of recent first-token times the limit is based on, between 0.5 and 0.999.</summary>
    /// <value>The default is 0.99.</value>
    public double Percentile { get; set; } = 0.99;

    /// <summary>Gets or sets the factor applied to the percentile, between 1 and 100.</summary>
    /// <value>The default is 3.</value>
    public double Multiplier { get; set; } = 3;

    /// <summary>Gets or sets the shortest learned limit.</summary>
    /// <value>The default is 2 seconds.</value>
    public TimeSpan Floor { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets or sets the longest learned limit.</summary>
    /// <value>The default is 5 minutes.</value>
    public TimeSpan Ceiling { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets how many first-token times a deployment needs before its learned limit replaces the fixed one.</summary>
    /// <value>The default is 20.</value>
    public int MinSamples { get; set; } = 20;

    /// <summary>The first-token limit for a call to <paramref name="provider"/>: learned when it has enough samples, else <paramref name="coldStart"/>.</summary>
    internal TimeSpan LimitFor(LlmProvider provider, TimeSpan coldStart)
    {
        if (provider.FirstToken?.Quantile(Percentile, MinSamples) is not { } learned)
        {
            return coldStart;
        }

        var ticks = learned.Ticks * Multiplier;
        var limit = ticks >= TimeSpan.MaxValue.Ticks ? TimeSpan.MaxValue : TimeSpan.FromTicks((long)ticks);
        return limit < Floor ? Floor : limit > Ceiling ? Ceiling : limit;
    }

    internal AdaptiveTimeoutOptions Clone() => (AdaptiveTimeoutOptions)MemberwiseClone();
}
