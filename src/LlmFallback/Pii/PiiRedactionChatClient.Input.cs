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
            case FunctionResultContent { Result: string result } function:
                var rewrittenResult = RewriteText(result, side, ref state);
                return ReferenceEquals(rewrittenResult, result) ? content : new FunctionResultContent(function.CallId, rewrittenResult) { AdditionalProperties = function.AdditionalProperties };
            case FunctionResultContent { Result: JsonElement json } function:
                return RewriteJson(json, side, ref state) is { } rewrittenJson ? new FunctionResultContent(function.CallId, rewrittenJson) { AdditionalProperties = function.AdditionalProperties } : content;
            case FunctionCallContent { Arguments: { Count: > 0 } arguments } call:
                Dictionary<string, object?>? changed = null;
                foreach (var (name, argument) in arguments)
                {
                    object? r = argument switch
                    {
                        string s when RewriteText(s, side, ref state) is var text && !ReferenceEquals(text, s) => text,
                        JsonElement json => RewriteJson(json, side, ref state),
                        _ => null,
                    };
                    if (r is not null)
                    {
                        changed ??= new Dictionary<string, object?>(arguments, StringComparer.Ordinal);
                        changed[name] = r;
                    }
                }

                return changed is null ? content : new FunctionCallContent(call.CallId, call.Name, changed) { AdditionalProperties = call.AdditionalProperties, InformationalOnly = call.InformationalOnly };
            default:
                return content;
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
