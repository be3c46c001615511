namespace LlmFallback;

/// <summary>Streaming timeouts, output holdback and mid-stream rescue. Bound from <c>Llm:Fallback:Streaming</c>.</summary>
public sealed class StreamingFallbackOptions
{
    /// <summary>Gets or sets how long a stream may take to produce its first update before the attempt times out.</summary>
    /// <value>The default is 20 seconds. A provider's <see cref="LlmAttemptPolicyOptions.FirstTokenTimeout"/> overrides it. With <see cref="FirstTokenTimeoutMode"/> <see cref="LlmTimingMode.Auto"/> it is the cold-start value.</value>
    public TimeSpan FirstTokenTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Gets or sets whether the first-token timeout is fixed, or learned per deployment from its recent times to first
    /// token (<see cref="AutoFirstTokenTimeout"/>): a chat model that goes silent fails over in seconds while a slow
    /// reasoning model is not cut off. The fixed value (the provider's, else <see cref="FirstTokenTimeout"/>) applies
    /// until a deployment has enough samples.
    /// </summary>
    /// <value>The default is <see cref="LlmTimingMode.Fixed"/>.</value>
    public LlmTimingMode FirstTokenTimeoutMode { get; set; } = LlmTimingMode.Fixed;

    /// <summary>Gets or sets how the learned first-token timeout is derived (used with <see cref="LlmTimingMode.Auto"/>).</summary>
    public AdaptiveTimeoutOptions AutoFirstTokenTimeout { get; set; } = new();

    /// <summary>Gets or sets how long a stream may go without an update before the attempt times out.</summary>
    /// <value>The default is 30 seconds. A provider's <see cref="LlmAttemptPolicyOptions.IdleTimeout"/> overrides it.</value>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets how many characters of text are held back before output is committed to the caller. A failure
    /// while output is held back restarts cleanly on the next provider, invisible to the caller.
    /// </summary>
    /// <value>The default is 0: updates are passed on as they arrive.</value>
    public int HoldbackCharacters { get; set; }

    /// <summary>Gets or sets how long after the first update output is held back, whichever of this and <see cref="HoldbackCharacters"/> comes first.</summary>
    /// <value>The default is <see cref="TimeSpan.Zero"/>.</value>
    public TimeSpan HoldbackDuration { get; set; }

    /// <summary>Gets or sets a value indicating whether the whole response is held back until it is complete (no partial output, ever).</summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool HoldbackUntilComplete { get; set; }

    /// <summary>Gets or sets what happens when a stream fails after output was committed.</summary>
    /// <value>The default is <see cref="StreamRescueMode.Continue"/>.</value>
    public StreamRescueMode Rescue { get; set; } = StreamRescueMode.Continue;

    /// <summary>
    /// Gets or sets how long to wait for the end of a stream once its finish reason arrived (for trailing usage). When it
    /// passes, the response is complete and is finalised; a stream that never sends <c>[DONE]</c> does not hold the caller.
    /// </summary>
    /// <value>The default is 2 seconds.</value>
    public TimeSpan CompletionGracePeriod { get; set; } = TimeSpan.FromSeconds(2);

    internal StreamingFallbackOptions Clone()
    {
        var copy = (StreamingFallbackOptions)MemberwiseClone();
        copy.AutoFirstTokenTimeout = (AutoFirstTokenTimeout ?? new()).Clone();
        return copy;
    }
}
