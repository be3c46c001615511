using System.Text.Json;
using Microsoft.Extensions.AI;

namespace LlmFallback;

/// <content>Rewriting message contents, and reporting what was found.</content>
public sealed partial class PiiRedactionChatClient
{
    private static readonly PiiAction[] ReportedActions = [PiiAction.Reject, PiiAction.Redact, PiiAction.Mask, PiiAction.Pseudonymise, PiiAction.Warn];

    /// <summary>The request with the actions applied; the same enumerable when nothing was found.</summary>
    private IEnumerable<ChatMessage> RewriteInput(IEnumerable<ChatMessage> messages, ChatOptions? options, out PiiRequestState? state)
    {
        // A server-side conversation continues its earlier turns' pseudonyms.
        state = _conversations is not null && options?.ConversationId is { Length: > 0 } id && _conversations.Get(id) is { } map ? new PiiRequestState(map) : null;
        List<ChatMessage>? rewritten = null;
        var index = 0;
        foreach (var message in messages)
        {
            var result = message is null ? message! : RewriteMessage(message, ref state);
            if (rewritten is null && !ReferenceEquals(result, message))
            {
                rewritten = new List<ChatMessage>(index + 8);
                foreach (var earlier in messages)
                {
                    if (rewritten.Count == index)
                    {
                        break;
                    }

                    rewritten.Add(earlier);
                }
            }

            rewritten?.Add(result);
            index++;
        }

        return rewritten ?? messages;
    }

    private ChatMessage RewriteMessage(ChatMessage message, ref PiiRequestState? state)
    {
        var contents = message.Contents;
        List<AIContent>? changed = null;
        for (var i = 0; i < contents.Count; i++)
        {
            var content = contents[i];
            var result = RewriteContent(content, LlmContentSide.Input, ref state);
            if (changed is null && !ReferenceEquals(result, content))
            {
                changed = new List<AIContent>(contents.Count);
                for (var j = 0; j < i; j++)
                {
                    changed.Add(contents[j]);
                }
            }

            changed?.Add(result);
        }

        if (changed is null)
        {
            return message;
        }

        var copy = message.Clone();
        copy.Contents = changed;
        return copy;
    }

    /// <summary>Applies the actions to one content (input), or restores pseudonyms and applies them to new values (output).</summary>
    private AIContent RewriteContent(AIContent content, LlmContentSide side, ref PiiRequestState? state)
    {
        switch (content)
        {
            case TextContent text when text.Text is { Length: > 0 } value:
                var rewritten = RewriteText(value, side, ref state);
                return ReferenceEquals(rewritten, value) ? content : new TextContent(rewritten) { AdditionalProperties = text.AdditionalProperties, Annotations = text.Annotations, RawRepresentation = text.RawRepresentation };
            case FunctionResultContent { Result: { } result } function:
                // A function may return contents (passed on as they are) or any object, which the adapter serialises.
                var rewrittenValue = RewriteValue(result, side, ref state);
                return rewrittenValue is null ? content : new FunctionResultContent(function.CallId, rewrittenValue) { AdditionalProperties = function.AdditionalProperties };
            case FunctionCallContent { Arguments: { Count: > 0 } arguments } call:
                Dictionary<string, object?>? changed = null;
                foreach (var (name, argument) in arguments)
                {
                    var r = argument is null ? null : RewriteValue(argument, side, ref state);
                    if (r is not null)
                    {
                        changed ??= new Dictionary<string, object?>(arguments, StringComparer.Ordinal);
                        changed[name] = r;
                    }
                }

                return changed is null ? content : new FunctionCallContent(call.CallId, call.Name, changed) { AdditionalProperties = call.AdditionalProperties, InformationalOnly = call.InformationalOnly };
            case DataContent { Name: { Length: > 0 } name } data when RewriteText(name, side, ref state) is var rewrittenName && !ReferenceEquals(rewrittenName, name):
                // Adapters send a file's name with it (OpenAI's file parts).
                return new DataContent(data.Data, data.MediaType) { Name = rewrittenName, AdditionalProperties = data.AdditionalProperties, RawRepresentation = data.RawRepresentation };
            case ErrorContent error:
                var message = RewriteText(error.Message, side, ref state);
                var details = error.Details is { } d ? RewriteText(d, side, ref state) : null;
                return ReferenceEquals(message, error.Message) && ReferenceEquals(details, error.Details)
                    ? content
                    : new ErrorContent(message) { Details = details, ErrorCode = error.ErrorCode, AdditionalProperties = error.AdditionalProperties, RawRepresentation = error.RawRepresentation };
            default:
                return content;
        }
    }

    /// <summary>
    /// A tool result or argument with the actions applied, as the adapter will send it; <see langword="null"/> when
    /// nothing changed. Strings and JSON are rewritten as they are, contents as contents, and any other object as the
    /// JSON the adapter would write for it.
    /// </summary>
    private object? RewriteValue(object value, LlmContentSide side, ref PiiRequestState? state)
    {
        switch (value)
        {
            case string text:
                var rewritten = RewriteText(text, side, ref state);
                return ReferenceEquals(rewritten, text) ? null : rewritten;
            case JsonElement json:
                return RewriteJson(json, side, ref state);
            case AIContent content:
                var rewrittenContent = RewriteContent(content, side, ref state);
                return ReferenceEquals(rewrittenContent, content) ? null : rewrittenContent;
            case IEnumerable<AIContent> contents:
                List<AIContent>? changed = null;
                var list = contents as IReadOnlyList<AIContent> ?? [.. contents];
                for (var i = 0; i < list.Count; i++)
                {
                    var result = RewriteContent(list[i], side, ref state);
                    if (changed is null && !ReferenceEquals(result, list[i]))
                    {
                        changed = [.. list];
                    }

                    changed?[i] = result;
                }

                return changed;
            default:
                var serializer = AIJsonUtilities.DefaultOptions;
                return RewriteJson(JsonSerializer.SerializeToElement(value, serializer.GetTypeInfo(value.GetType())), side, ref state);
        }
    }

    private string RewriteText(string text, LlmContentSide side, ref PiiRequestState? state)
    {
        if (side == LlmContentSide.Output)
        {
            if (state?.Map is { } map)
            {
                text = map.Restore(text);
            }

            return _options.ApplyToOutput ? PiiRequestState.Rewrite(text, side, _detector, _options, ref state) : text;
        }

        return PiiRequestState.Rewrite(text, side, _detector, _options, ref state);
    }

    /// <summary>Logs and audits the counts of one side, one event per action; throws when a type of that side is rejected.</summary>
    private async ValueTask ReportAsync(PiiRequestState state, LlmContentSide side, ChatOptions? options)
    {
        foreach (var action in ReportedActions)
        {
            Dictionary<string, int>? counts = null;
            foreach (var ((type, a, s), count) in state.Counts)
            {
                if (a == action && s == side)
                {
                    (counts ??= new(StringComparer.Ordinal))[type] = count;
                }
            }

            if (counts is null)
            {
                continue;
            }

            var name = ActionName(action);
            PiiLog.Detected(_logger, side, name, counts.Keys);
            await Auditing.WriteAsync(_audit, _timeProvider, LlmAuditEventKind.PiiDetected, Stage, options, side, name, null, counts).ConfigureAwait(false);
        }

        if (state.Rejected is { Count: > 0 } rejected)
        {
            throw new PiiDetectedException(side, [.. rejected]);
        }
    }

    private static string ActionName(PiiAction action) => action switch
    {
        PiiAction.Reject => "reject",
        PiiAction.Redact => "redact",
        PiiAction.Mask => "mask",
        PiiAction.Pseudonymise => "pseudonymise",
        _ => "warn",
    };
}
