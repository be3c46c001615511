using Microsoft.Extensions.AI;

namespace LlmFallback;

/// <summary>
/// Copies answers into and out of the cache, so neither the stored entry nor another caller's answer is ever changed
/// by a caller (outer stages annotate and rewrite what they receive). Text contents and function calls (which
/// <c>FunctionInvokingChatClient</c> marks <see cref="FunctionCallContent.InformationalOnly"/> once it has run them)
/// are copied; other contents, which no stage rewrites, are shared.
/// </summary>
internal static class ResponseCopy
{
    private const string OwnPrefix = "llmfallback.";

    /// <summary>A copy fit for storing: no raw provider objects, no continuation token, none of this library's annotations.</summary>
    public static ChatResponse ForStore(ChatResponse response) => Copy(response, forStore: true);

    /// <summary>A caller's own copy of a stored answer.</summary>
    public static ChatResponse ForCaller(ChatResponse response) => Copy(response, forStore: false);

    private static ChatResponse Copy(ChatResponse source, bool forStore)
    {
        var messages = new List<ChatMessage>(source.Messages.Count);
        foreach (var message in source.Messages)
        {
            messages.Add(new ChatMessage(message.Role, CopyContents(message.Contents, forStore))
            {
                AuthorName = message.AuthorName,
                MessageId = message.MessageId,
                CreatedAt = message.CreatedAt,
                AdditionalProperties = Properties(message.AdditionalProperties, forStore),
            });
        }

        return new ChatResponse(messages)
        {
            ResponseId = source.ResponseId,
            ConversationId = source.ConversationId,
            ModelId = source.ModelId,
            CreatedAt = source.CreatedAt,
            FinishReason = source.FinishReason,
            Usage = Usage(source.Usage),
            AdditionalProperties = Properties(source.AdditionalProperties, forStore),
        };
    }

    /// <summary>
    /// A stream update's contents as they passed through the cache, before a stage outside it replaced or rewrote them
    /// (PII redaction restores pseudonyms in the very updates it receives): what is stored is what came from upstream.
    /// </summary>
    public static List<AIContent> Contents(IList<AIContent> contents) => CopyContents(contents, forStore: true);

    private static List<AIContent> CopyContents(IList<AIContent> contents, bool forStore)
    {
        var copy = new List<AIContent>(contents.Count);
        foreach (var content in contents)
        {
            copy.Add(content switch
            {
                TextContent text => new TextContent(text.Text) { AdditionalProperties = Properties(text.AdditionalProperties, forStore) },
                TextReasoningContent reasoning => new TextReasoningContent(reasoning.Text) { ProtectedData = reasoning.ProtectedData },
                FunctionCallContent call => new FunctionCallContent(call.CallId, call.Name, call.Arguments is { } args ? new Dictionary<string, object?>(args) : null)
                {
                    InformationalOnly = call.InformationalOnly,
                    Exception = call.Exception,
                    Annotations = call.Annotations,
                    AdditionalProperties = Properties(call.AdditionalProperties, forStore),
                },
                _ => content,
            });
        }

        return copy;
    }

    public static UsageDetails? Usage(UsageDetails? usage) => usage is null ? null : new UsageDetails
    {
        InputTokenCount = usage.InputTokenCount,
        OutputTokenCount = usage.OutputTokenCount,
        TotalTokenCount = usage.TotalTokenCount,
        CachedInputTokenCount = usage.CachedInputTokenCount,
        ReasoningTokenCount = usage.ReasoningTokenCount,
        AdditionalCounts = usage.AdditionalCounts is { } counts ? new(counts) : null,
    };

    private static AdditionalPropertiesDictionary? Properties(AdditionalPropertiesDictionary? source, bool forStore)
    {
        if (source is not { Count: > 0 })
        {
            return null;
        }

        var copy = new AdditionalPropertiesDictionary();
        foreach (var (key, value) in source)
        {
            if (!forStore || !key.StartsWith(OwnPrefix, StringComparison.Ordinal))
            {
                copy[key] = value;
            }
        }

        return copy.Count == 0 ? null : copy;
    }
}
