using System.Globalization;
using System.Text.Json;

namespace LlmFallback.OpenAI.Tests.Wire;

/// <summary>
/// What OpenAI Chat Completions refuses in a request's history, with the API's own error bodies: tool-call ids longer
/// than 40 characters or empty (<c>string_above_max_length</c>, <c>empty_string</c>), an assistant <c>tool_calls</c>
/// message not followed by a <c>tool</c> message for each id, and a <c>tool</c> message that answers no preceding call.
/// </summary>
internal static class OpenAIRequestRules
{
    public const int MaxToolCallIdLength = 40;

    public static (int Status, string Body, string Message)? Check(JsonElement request)
    {
        if (request.ValueKind != JsonValueKind.Object || !request.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        HashSet<string>? pending = null;
        var pendingAt = -1;
        for (var i = 0; i < messages.GetArrayLength(); i++)
        {
            var message = messages[i];
            var role = message.GetProperty("role").GetString();
            if (role == "tool")
            {
                var answered = message.TryGetProperty("tool_call_id", out var id) ? id.GetString() : null;
                if (pending is null || answered is null || !pending.Remove(answered))
                {
                    return Error("Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.", $"messages.[{Index(i)}].role", null);
                }

                continue;
            }

            if (pending is { Count: > 0 })
            {
                return Error(
                    $"An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: {string.Join(", ", pending)}",
                    $"messages.[{Index(pendingAt)}].role",
                    null);
            }

            pending = null;
            if (role == "assistant" && message.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
            {
                pending = [];
                pendingAt = i;
                for (var j = 0; j < calls.GetArrayLength(); j++)
                {
                    var id = calls[j].GetProperty("id").GetString() ?? string.Empty;
                    var param = $"messages[{Index(i)}].tool_calls[{Index(j)}].id";
                    if (id.Length == 0)
                    {
                        return Error($"Invalid '{param}': empty string. Expected a string with minimum length 1, but got an empty string instead.", param, "empty_string");
                    }

                    if (id.Length > MaxToolCallIdLength)
                    {
                        return Error(
                            $"Invalid '{param}': string too long. Expected a string with maximum length {MaxToolCallIdLength}, but got a string with length {Index(id.Length)} instead.",
                            param,
                            "string_above_max_length");
                    }

                    pending.Add(id);
                }
            }
        }

        return pending is { Count: > 0 }
            ? Error(
                $"An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: {string.Join(", ", pending)}",
                $"messages.[{Index(pendingAt)}].role",
                null)
            : null;
    }

    private static (int, string, string) Error(string message, string param, string? code) =>
        (400, OpenAIWire.Error(message, "invalid_request_error", param, code), message);

    private static string Index(int i) => i.ToString(CultureInfo.InvariantCulture);
}
