using Microsoft.Extensions.AI;

namespace LlmFallback;

/// <summary>
/// Keeps every system message and as many of the latest whole turns (a user message with the answer, tool calls and
/// tool results that follow it) as fit in <see cref="MaxTokens"/>, counted with the model's tokenizer. The last turn
/// is always kept, even when it alone is over the budget.
/// </summary>
public sealed class LlmTokenBudgetChatReducer : IChatReducer
{
    private readonly LlmTokenCounter _counter;

    /// <summary>Initializes a new instance of the <see cref="LlmTokenBudgetChatReducer"/> class.</summary>
    /// <param name="maxTokens">The prompt tokens the kept conversation may use.</param>
    /// <param name="counter">The tokenizer; <see langword="null"/> for the approximate counter (<see cref="LlmTokenCounter.ForModel"/> with no model).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxTokens"/> is less than 1.</exception>
    public LlmTokenBudgetChatReducer(int maxTokens, LlmTokenCounter? counter = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokens, 1);
        MaxTokens = maxTokens;
        _counter = counter ?? LlmTokenCounter.ForModel(null);
    }

    /// <summary>Gets the prompt tokens the kept conversation may use.</summary>
    public int MaxTokens { get; }

    /// <inheritdoc />
    public Task<IEnumerable<ChatMessage>> ReduceAsync(IEnumerable<ChatMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = ChatTurns.AsList(messages);
        var first = ChatTurns.FirstNonSystem(list);
        long used = 0;
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i].Role == ChatRole.System)
            {
                used += Count(list[i]);
            }
        }

        // Walk back turn by turn; the last turn is kept whatever it costs.
        var start = list.Count;
        while (start > first)
        {
            var turn = ChatTurns.TurnStart(list, start - 1);
            long cost = 0;
            for (var i = turn; i < start; i++)
            {
                if (list[i].Role != ChatRole.System)
                {
                    cost += Count(list[i]);
                }
            }

            if (start < list.Count && used + cost > MaxTokens)
            {
                break;
            }

            used += cost;
            start = turn;
            if (turn <= first)
            {
                break;
            }
        }

        return Task.FromResult<IEnumerable<ChatMessage>>(start <= first ? list : ChatTurns.Keep(list, start));
    }

    private int Count(ChatMessage message) => _counter.CountTokens([message]);
}
