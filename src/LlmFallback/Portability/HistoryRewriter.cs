using Microsoft.Extensions.AI;

namespace LlmFallback;

/// <summary>Builds the prepared copy of a history that needs changes; one instance per request.</summary>
internal sealed class HistoryRewriter(LlmPortabilityTarget target, LlmPortabilityOptions options)
{
    private Queue<string>? _synthesized;
    private List<AIContent>? _media;
    private bool _callSeenInStep;

    public List<ChatMessage> Rewrite(IList<ChatMessage> history)
    {
        var output = new List<ChatMessage>(history.Count + 1);
        for (var i = 0; i < history.Count; i++)
        {
            var message = history[i];
            if (message.Role != ChatRole.Tool)
            {
                FlushMedia(output);
            }

            if (message.Role != ChatRole.Assistant)
            {
                _callSeenInStep = false;
            }

            if (RewriteMessage(message, i) is { } prepared)
            {
                output.Add(prepared);
            }
        }

        FlushMedia(output);
        return output;
    }

    private ChatMessage? RewriteMessage(ChatMessage message, int index)
    {
        var contents = message.Contents;
        List<AIContent>? rewritten = null;
        for (var j = 0; j < contents.Count; j++)
        {
            var content = contents[j];
            var replacement = content switch
            {
                FunctionCallContent call => Call(call, message.Role == ChatRole.Assistant, index, j),
                FunctionResultContent result => Result(result),
                TextReasoningContent reasoning when !LlmPortability.CanCarry(reasoning, target, options) =>
                    options.ForeignReasoning == LlmReasoningPortability.Text && reasoning.Text.Length > 0 ? new TextContent(reasoning.Text) : null,
                _ => content,
            };

            if (rewritten is null && !ReferenceEquals(replacement, content))
            {
                rewritten = new List<AIContent>(contents.Count);
                for (var k = 0; k < j; k++)
                {
                    rewritten.Add(contents[k]);
                }
            }

            if (rewritten is not null && replacement is not null)
            {
                rewritten.Add(replacement);
            }
        }

        if (rewritten is null)
        {
            return message;
        }

        // A message left with nothing (only foreign reasoning) is left out. The copy has no raw representation: the
        // original one would be sent by SDKs that prefer it, undoing the changes.
        return rewritten.Count == 0 ? null : new ChatMessage(message.Role, rewritten)
        {
            AuthorName = message.AuthorName,
            MessageId = message.MessageId,
            CreatedAt = message.CreatedAt,
            AdditionalProperties = message.AdditionalProperties,
        };
    }

    private FunctionCallContent Call(FunctionCallContent call, bool assistant, int message, int content)
    {
        var id = call.CallId;
        var newId = id;
        if (string.IsNullOrEmpty(id))
        {
            newId = PortableToolCallIds.Synthesize(message, content);
            (_synthesized ??= new()).Enqueue(newId);
        }
        else if (!PortableToolCallIds.IsAccepted(id, target))
        {
            newId = PortableToolCallIds.Replace(id);
        }

        var placeholder = assistant && LlmPortability.NeedsPlaceholder(call, target, ref _callSeenInStep);
        if (ReferenceEquals(newId, id) && !placeholder)
        {
            return call;
        }

        var copy = new FunctionCallContent(newId, call.Name, call.Arguments)
        {
            Exception = call.Exception,
            InformationalOnly = call.InformationalOnly,
            Annotations = call.Annotations,
            AdditionalProperties = call.AdditionalProperties?.Clone(),
        };
        if (placeholder)
        {
            (copy.AdditionalProperties ??= [])[target.FunctionCallSignatureKey!] = target.FunctionCallSignaturePlaceholder!;
        }

        return copy;
    }

    private FunctionResultContent Result(FunctionResultContent result)
    {
        var id = result.CallId;
        var newId = id;
        if (string.IsNullOrEmpty(id))
        {
            // Results without ids answer calls without ids in order.
            newId = _synthesized is not null && _synthesized.TryDequeue(out var synthesized) ? synthesized : id;
        }
        else if (!PortableToolCallIds.IsAccepted(id, target))
        {
            newId = PortableToolCallIds.Replace(id);
        }

        var value = result.Result;
        if (target.ToolResultMediaInUserMessage && ToolResultMedia.HasMedia(value))
        {
            value = ToolResultMedia.Split(value, _media ??= []);
        }

        if (ReferenceEquals(newId, id) && ReferenceEquals(value, result.Result))
        {
            return result;
        }

        return new FunctionResultContent(newId, value)
        {
            Exception = result.Exception,
            Annotations = result.Annotations,
            AdditionalProperties = result.AdditionalProperties?.Clone(),
        };
    }

    private void FlushMedia(List<ChatMessage> output)
    {
        if (_media is { Count: > 0 } media)
        {
            media.Insert(0, new TextContent(ToolResultMedia.MessageHeader));
            output.Add(new ChatMessage(ChatRole.User, media));
            _media = null;
        }
    }
}
