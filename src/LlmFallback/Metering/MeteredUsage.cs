using Microsoft.Extensions.AI;

namespace LlmFallback;

/// <summary>The token counts of one call, reported or estimated.</summary>
internal readonly struct MeteredUsage
{
    public MeteredUsage(long? input, long? output, long? cached, bool estimated)
    {
        InputOrNull = input;
        OutputOrNull = output;
        CachedOrNull = cached;
        Estimated = estimated;
    }

    public long? InputOrNull { get; }

    public long? OutputOrNull { get; }

    public long? CachedOrNull { get; }

    public bool Estimated { get; }

    public long Input => InputOrNull ?? 0;

    public long Output => OutputOrNull ?? 0;

    public long Cached => CachedOrNull ?? 0;

    /// <summary>Gets a value indicating whether both input and output are known, so the call can be priced.</summary>
    public bool IsComplete => InputOrNull is not null && OutputOrNull is not null;

    /// <summary>
    /// Reads a provider's usage and estimates what it left out with the model's tokenizer (when
    /// <paramref name="estimate"/> is set): the prompt from <paramref name="messages"/>, the answer from <paramref name="answer"/>.
    /// </summary>
    public static MeteredUsage From(UsageDetails? usage, bool estimate, string? modelId, IEnumerable<ChatMessage>? messages, ChatOptions? options, string? answer)
    {
        var input = usage?.InputTokenCount;
        var output = usage?.OutputTokenCount;
        if (output is null && usage?.TotalTokenCount is { } total && input is { } known && total >= known)
        {
            output = total - known;
        }

        var estimated = false;
        if (estimate && (input is null || output is null))
        {
            var counter = LlmTokenCounter.ForModel(modelId);
            if (input is null && messages is not null)
            {
                input = counter.CountTokens(messages, options);
                estimated = true;
            }

            if (output is null && answer is not null)
            {
                output = counter.CountTokens(answer);
                estimated = true;
            }
        }

        return new MeteredUsage(input, output, usage?.CachedInputTokenCount, estimated);
    }
}
