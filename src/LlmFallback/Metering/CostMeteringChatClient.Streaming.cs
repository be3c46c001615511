using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.AI;

namespace LlmFallback;

public sealed partial class CostMeteringChatClient
{
    /// <inheritdoc />
    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        messages = LlmMessages.Validate(messages);
        return Stream(messages, options, cancellationToken);
    }

    private async IAsyncEnumerable<ChatResponseUpdate> Stream(IEnumerable<ChatMessage> messages, ChatOptions? options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        UsageDetails? usage = null;
        StringBuilder? text = null;
        string? modelId = null;
        string? responseId = null;
        var metered = false;
        await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            modelId = update.ModelId ?? modelId;
            responseId = update.ResponseId ?? responseId;
            var contents = update.Contents;
            for (var i = 0; i < contents.Count; i++)
            {
                switch (contents[i])
                {
                    case UsageContent u:
                        // Usage in a stream adds up, as ToChatResponse() adds it (one provider reports input and output separately).
                        (usage ??= new UsageDetails()).Add(u.Details);
                        break;
                    case TextContent t when _estimate && t.Text is { Length: > 0 } s:
                        (text ??= new StringBuilder()).Append(s);
                        break;
                }
            }

            // The fallback stage's final update carries the call information: annotate it before the caller sees it.
            if (!metered && update.GetLlmCallInfo() is { } info)
            {
                metered = true;
                var measured = MeteredUsage.From(usage, _estimate, info.ModelId, messages, options, text?.ToString() ?? string.Empty);
                _meter.RecordCall(info, options, in measured);
            }

            yield return update;
        }

        if (!metered)
        {
            var info = new LlmCallInfo(ProviderName(), modelId ?? options?.ModelId, TimeSpan.Zero);
            var measured = MeteredUsage.From(usage, _estimate, info.ModelId, messages, options, text?.ToString() ?? string.Empty);
            _meter.RecordCall(info, options, in measured);
            yield return new ChatResponseUpdate
            {
                ModelId = info.ModelId,
                ResponseId = responseId,
                AdditionalProperties = new() { [LlmCallInfo.AdditionalPropertiesKey] = info },
            };
        }
    }
}
