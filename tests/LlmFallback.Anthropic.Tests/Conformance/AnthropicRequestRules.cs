using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace LlmFallback.Anthropic.Tests;

/// <summary>
/// What the Messages API refuses in a request's history, with its own error texts (400 <c>invalid_request_error</c>),
/// checked after consecutive turns of one role are merged as the API merges them: a <c>tool_use.id</c> outside
/// <c>^[a-zA-Z0-9_-]+$</c>; a <c>tool_use</c> without its <c>tool_result</c> in the next turn, or a <c>tool_result</c>
/// without its <c>tool_use</c> in the turn before; a <c>thinking</c> or <c>redacted_thinking</c> block it did not sign;
/// and, with thinking on, a tool loop continued from an assistant turn that does not start with a thinking block.
/// </summary>
internal sealed partial class AnthropicRequestRules
{
    private readonly ConcurrentDictionary<string, bool> _issued = new(StringComparer.Ordinal);
    private int _next;

    /// <summary>Makes a new signature, as the API puts on the thinking blocks it returns.</summary>
    public string Issue()
    {
        var signature = Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"anthropic-thinking:{Interlocked.Increment(ref _next)}")));
        _issued[signature] = true;
        return signature;
    }

    public static bool ThinkingEnabled(JsonElement request) =>
        request.TryGetProperty("thinking", out var thinking) && thinking.TryGetProperty("type", out var type) && type.GetString() is "enabled" or "adaptive";

    public (int Status, string Body, string Message)? Check(JsonElement request)
    {
        var turns = Merge(request.GetProperty("messages"));
        for (var i = 0; i < turns.Count; i++)
        {
            var (role, blocks) = turns[i];
            for (var j = 0; j < blocks.Count; j++)
            {
                var block = blocks[j];
                var type = block.GetProperty("type").GetString();
                if (type == "tool_use" && !IdPattern().IsMatch(block.GetProperty("id").GetString() ?? string.Empty))
                {
                    return Error($"messages.{i}.content.{j}.tool_use.id: String should match pattern '^[a-zA-Z0-9_-]+$'");
                }

                if ((type == "thinking" && !_issued.ContainsKey(block.GetProperty("signature").GetString() ?? string.Empty))
                    || (type == "redacted_thinking" && !_issued.ContainsKey(block.GetProperty("data").GetString() ?? string.Empty)))
                {
                    return Error($"messages.{i}.content.{j}: Invalid `signature` in `{type}` block");
                }

                if (type == "tool_result" && !Ids(i > 0 ? turns[i - 1].Blocks : [], "tool_use", "id").Contains(block.GetProperty("tool_use_id").GetString()!))
                {
                    return Error($"messages.{i}.content.{j}: unexpected `tool_use_id` found in `tool_result` blocks: {block.GetProperty("tool_use_id").GetString()}. Each `tool_result` block must have a corresponding `tool_use` block in the previous message.");
                }
            }

            if (role == "assistant")
            {
                var answered = Ids(i + 1 < turns.Count ? turns[i + 1].Blocks : [], "tool_result", "tool_use_id");
                var missing = Ids(blocks, "tool_use", "id").Where(id => !answered.Contains(id)).ToList();
                if (missing.Count > 0 && i + 1 < turns.Count)
                {
                    return Error($"messages.{i}: `tool_use` ids were found without `tool_result` blocks immediately after: {string.Join(", ", missing)}. Each `tool_use` block must have a corresponding `tool_result` block in the next message.");
                }
            }
        }

        return ThinkingEnabled(request) && ThinkingStartError(turns) is { } thinking ? Error(thinking) : null;
    }

    /// <summary>With thinking on, the assistant turn before the final tool results must open with a thinking block.</summary>
    private static string? ThinkingStartError(List<(string Role, List<JsonElement> Blocks)> turns)
    {
        var last = turns.Count - 1;
        if (last < 1 || turns[last].Role != "user" || Ids(turns[last].Blocks, "tool_result", "tool_use_id").Count == 0)
        {
            return null;
        }

        var first = turns[last - 1].Blocks[0].GetProperty("type").GetString();
        return first is "thinking" or "redacted_thinking" ? null
            : $"messages.{last - 1}.content.0.type: Expected `thinking` or `redacted_thinking`, but found `{first}`. When `thinking` is enabled, a final `assistant` message must start with a thinking block (preceeding the lastmost set of `tool_use` and `tool_result` blocks). We recommend you include thinking blocks from previous turns. To avoid this requirement, disable `thinking`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking";
    }

    /// <summary>Consecutive turns of one role are one turn to the API.</summary>
    private static List<(string Role, List<JsonElement> Blocks)> Merge(JsonElement messages)
    {
        var turns = new List<(string Role, List<JsonElement> Blocks)>();
        foreach (var message in messages.EnumerateArray())
        {
            var role = message.GetProperty("role").GetString()!;
            var content = message.GetProperty("content");
            var blocks = content.ValueKind == JsonValueKind.String
                ? [JsonSerializer.SerializeToElement(new JsonObject { ["type"] = "text", ["text"] = content.GetString() })]
                : content.EnumerateArray().ToList();
            if (turns.Count > 0 && turns[^1].Role == role)
            {
                turns[^1].Blocks.AddRange(blocks);
            }
            else
            {
                turns.Add((role, blocks));
            }
        }

        return turns;
    }

    private static HashSet<string> Ids(List<JsonElement> blocks, string type, string property) =>
        [.. blocks.Where(b => b.GetProperty("type").GetString() == type).Select(b => b.GetProperty(property).GetString()!)];

    private static (int, string, string) Error(string message) =>
        (400, new JsonObject { ["type"] = "error", ["error"] = new JsonObject { ["type"] = "invalid_request_error", ["message"] = message }, ["request_id"] = "req_011CRules" }.ToJsonString(), message);

    [GeneratedRegex("^[a-zA-Z0-9_-]+$")]
    private static partial Regex IdPattern();
}
