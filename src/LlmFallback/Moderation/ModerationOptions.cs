namespace LlmFallback;

/// <summary>How <see cref="ModerationChatClient"/> checks a call. Bound from <c>Llm:Moderation</c>.</summary>
public sealed class ModerationOptions
{
    /// <summary>Gets or sets a value indicating whether the request is checked before the call.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool CheckInput { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether the answer is checked (a stream in windows as it arrives).</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool CheckOutput { get; set; } = true;

    /// <summary>Gets or sets which request messages are checked.</summary>
    /// <value>The default is <see cref="ModerationInputScope.UserAndToolMessages"/>.</value>
    public ModerationInputScope InputScope { get; set; } = ModerationInputScope.UserAndToolMessages;

    /// <summary>Gets or sets the action for categories not listed in <see cref="Actions"/>.</summary>
    /// <value>The default is <see cref="ModerationAction.Block"/>.</value>
    public ModerationAction DefaultAction { get; set; } = ModerationAction.Block;

    /// <summary>Gets or sets the action per category (case-insensitive), such as <c>"harassment": "Flag"</c>.</summary>
    /// <value>The default is empty: every category gets <see cref="DefaultAction"/>.</value>
    public IDictionary<string, ModerationAction> Actions { get; set; } = new Dictionary<string, ModerationAction>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets or sets what happens when the moderation service fails or does not answer within <see cref="Timeout"/>.</summary>
    /// <value>The default is <see cref="ModerationFailureMode.FailClosed"/>: no unmoderated call goes through.</value>
    public ModerationFailureMode OnServiceFailure { get; set; } = ModerationFailureMode.FailClosed;

    /// <summary>Gets or sets how long one moderation call may take before it counts as a service failure.</summary>
    /// <value>The default is 5 seconds.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets how many new characters of a streamed answer make a window that is checked.</summary>
    /// <value>The default is 200.</value>
    public int StreamWindowCharacters { get; set; } = 200;

    /// <summary>
    /// Gets or sets the longest time streamed text waits for its window to fill: when it has passed, the next update
    /// checks what has accumulated. Checked when updates arrive, not on a timer.
    /// </summary>
    /// <value>The default is 1 second.</value>
    public TimeSpan StreamWindowInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets how many already-checked characters each window repeats, so a phrase cut by a window edge is still seen whole.</summary>
    /// <value>The default is 64.</value>
    public int StreamWindowOverlap { get; set; } = 64;

    /// <summary>
    /// Gets or sets a value indicating whether streamed updates are held until the window holding their text is
    /// checked, so the caller never receives text that is blocked. Off: updates pass at once and a violation stops the
    /// stream after the fact (<see cref="ModerationException.CharactersSent"/> says how much was sent).
    /// </summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool HoldUntilChecked { get; set; } = true;

    internal ModerationAction ActionFor(string category) =>
        Actions.Count > 0 && Actions.TryGetValue(category, out var action) ? action : DefaultAction;

    internal static void Validate(ModerationOptions options, string prefix, List<string> errors)
    {
        LlmOptionsValidation.Defined(options.InputScope, $"{prefix}:InputScope", errors);
        LlmOptionsValidation.Defined(options.DefaultAction, $"{prefix}:DefaultAction", errors);
        LlmOptionsValidation.Defined(options.OnServiceFailure, $"{prefix}:OnServiceFailure", errors);
        LlmOptionsValidation.Duration(options.Timeout, TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(5), $"{prefix}:Timeout", errors);
        LlmOptionsValidation.Range(options.StreamWindowCharacters, 1, 1_000_000, $"{prefix}:StreamWindowCharacters", errors);
        LlmOptionsValidation.Duration(options.StreamWindowInterval, TimeSpan.Zero, TimeSpan.FromMinutes(5), $"{prefix}:StreamWindowInterval", errors);
        LlmOptionsValidation.Range(options.StreamWindowOverlap, 0, 100_000, $"{prefix}:StreamWindowOverlap", errors);
        if (options.Actions is null)
        {
            errors.Add($"{prefix}:Actions must not be null.");
            return;
        }

        foreach (var pair in options.Actions)
        {
            LlmOptionsValidation.Defined(pair.Value, $"{prefix}:Actions:{pair.Key}", errors);
        }
    }
}
