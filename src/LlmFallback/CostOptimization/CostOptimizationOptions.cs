namespace LlmFallback;

/// <summary>What the cost-optimisation stage changes in requests to send fewer tokens. Bound from <c>Llm:CostOptimization</c>.</summary>
public sealed class CostOptimizationOptions
{
    /// <summary>Gets or sets the <c>MaxOutputTokens</c> of a request that sets none and whose route or model is not in <see cref="MaxOutputTokens"/>.</summary>
    /// <value>The default is <see langword="null"/> (left to the provider).</value>
    public int? DefaultMaxOutputTokens { get; set; }

    /// <summary>Gets the <c>MaxOutputTokens</c> of a request that sets none, by route or model (the request's <c>ModelId</c>, case-insensitive).</summary>
    /// <value>The default is empty.</value>
    public IDictionary<string, int> MaxOutputTokens { get; } = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Gets or sets a value indicating whether runs of spaces, trailing whitespace and repeated blank lines are removed
    /// from message text (never inside code, never indentation, never tool calls or results).
    /// </summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool CompactWhitespace { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether a system message that repeats an earlier one word for word is dropped.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool RemoveDuplicateSystemMessages { get; set; } = true;

    /// <summary>Gets or sets how many non-system messages of the history are kept at least (whole turns; see <see cref="LlmKeepLastMessagesChatReducer"/>).</summary>
    /// <value>The default is <see langword="null"/> (the whole history).</value>
    public int? MaxHistoryMessages { get; set; }

    /// <summary>Gets or sets the prompt tokens the history may use (whole turns, latest first; see <see cref="LlmTokenBudgetChatReducer"/>).</summary>
    /// <value>The default is <see langword="null"/> (no budget).</value>
    public int? MaxHistoryTokens { get; set; }

    /// <summary>A deep copy, so a stage never sees later changes to the options it was built with.</summary>
    internal CostOptimizationOptions Clone()
    {
        var copy = new CostOptimizationOptions
        {
            DefaultMaxOutputTokens = DefaultMaxOutputTokens,
            CompactWhitespace = CompactWhitespace,
            RemoveDuplicateSystemMessages = RemoveDuplicateSystemMessages,
            MaxHistoryMessages = MaxHistoryMessages,
            MaxHistoryTokens = MaxHistoryTokens,
        };
        foreach (var (route, tokens) in MaxOutputTokens)
        {
            copy.MaxOutputTokens[route] = tokens;
        }

        return copy;
    }
}
