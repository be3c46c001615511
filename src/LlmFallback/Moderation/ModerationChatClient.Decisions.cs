using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace LlmFallback;

/// <content>Applying the per-category actions, and choosing the text to check.</content>
public sealed partial class ModerationChatClient
{
    /// <summary>Applies the actions; <paramref name="reported"/> (a stream's) skips flags already logged and audited in an earlier window.</summary>
    private async ValueTask<Findings?> DecideAsync(ModerationResult result, LlmContentSide side, ChatOptions? options, int charactersSent, HashSet<string>? reported)
    {
        List<string>? blocked = null;
        List<ModerationFlag>? flagged = null;
        List<string>? logged = null;
        foreach (var hit in result.Hits)
        {
            var action = _options.ActionFor(hit.Category);
            if (action != ModerationAction.Block && reported is not null && !reported.Add(hit.Category))
            {
                continue;
            }

            switch (action)
            {
                case ModerationAction.Block:
                    Add(ref blocked, hit.Category);
                    break;
                case ModerationAction.Flag:
                    (flagged ??= []).Add(new ModerationFlag(hit.Category, side, hit.Score));
                    break;
                default:
                    Add(ref logged, hit.Category);
                    break;
            }
        }

        if (blocked is not null)
        {
            ModerationLog.Blocked(_logger, side, blocked);
            await Auditing.WriteAsync(_audit, _timeProvider, LlmAuditEventKind.ModerationBlocked, Stage, options, side, "block", "blocked category", Counts(blocked)).ConfigureAwait(false);
            throw new ModerationException(side, blocked, charactersSent);
        }

        if (logged is not null)
        {
            ModerationLog.Flagged(_logger, side, logged);
        }

        if (flagged is null)
        {
            return null;
        }

        var names = new List<string>(flagged.Count);
        foreach (var flag in flagged)
        {
            Add(ref names!, flag.Category);
        }

        ModerationLog.Flagged(_logger, side, names);
        await Auditing.WriteAsync(_audit, _timeProvider, LlmAuditEventKind.ModerationFlagged, Stage, options, side, "flag", null, Counts(names)).ConfigureAwait(false);
        return new Findings(flagged, skipped: false);
    }

    /// <summary>The text of the messages in scope, joined by line feeds; the message's own string when only one holds text.</summary>
    internal static string InputText(IEnumerable<ChatMessage> messages, ModerationInputScope scope)
    {
        if (scope == ModerationInputScope.LastUserMessage)
        {
            ChatMessage? last = null;
            foreach (var message in messages)
            {
                if (message?.Role == ChatRole.User)
                {
                    last = message;
                }
            }

            return last?.Text ?? string.Empty;
        }

        string? single = null;
        StringBuilder? joined = null;
        foreach (var message in messages)
        {
            if (message is null || (scope == ModerationInputScope.UserAndToolMessages && message.Role != ChatRole.User && message.Role != ChatRole.Tool))
            {
                continue;
            }

            foreach (var content in message.Contents)
            {
                var text = content switch
                {
                    TextContent t => t.Text,
                    FunctionResultContent { Result: string s } => s,
                    FunctionResultContent { Result: JsonElement json } => JsonText(json),
                    _ => null,
                };
                if (string.IsNullOrEmpty(text))
                {
                    continue;
                }

                if (single is null && joined is null)
                {
                    single = text;
                    continue;
                }

                joined ??= new StringBuilder(single);
                joined.Append('\n').Append(text);
            }
        }

        return joined?.ToString() ?? single ?? string.Empty;
    }

    /// <summary>
    /// The strings of a JSON tool result (what <c>AIFunctionFactory</c> functions return), decoded and joined by line
    /// feeds: the moderator reads the text, not its JSON escapes.
    /// </summary>
    private static string JsonText(JsonElement element) =>
        element.ValueKind == JsonValueKind.String ? element.GetString()! : string.Join('\n', LlmJson.Strings(element));

    private static void Add(ref List<string>? list, string category)
    {
        list ??= [];
        if (!list.Contains(category))
        {
            list.Add(category);
        }
    }

    private static Dictionary<string, int> Counts(List<string> categories)
    {
        var counts = new Dictionary<string, int>(categories.Count, StringComparer.Ordinal);
        foreach (var category in categories)
        {
            counts[category] = 1;
        }

        return counts;
    }

    /// <summary>What a check leaves to report on the response: flags, or a skipped check.</summary>
    private sealed class Findings(List<ModerationFlag>? flags, bool skipped)
    {
        public static readonly Findings Skipped = new(null, skipped: true);

        /// <summary>Gets a value indicating whether the checked text was flagged (so the answer must not be cached).</summary>
        public bool Flagged => flags is { Count: > 0 };

        public void Apply(LlmSafetyReport report)
        {
            report.ModerationSkipped |= skipped;
            if (flags is not null)
            {
                foreach (var flag in flags)
                {
                    report.AddFlag(flag);
                }
            }
        }
    }
}
