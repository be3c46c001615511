using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace LlmFallback.Gemini.Tests.Conformance;

/// <summary>
/// What the Gemini API refuses in a request's history, with its own error texts (400 <c>INVALID_ARGUMENT</c>): a
/// <c>thoughtSignature</c> it did not issue ("Corrupted thought signature."); on Gemini 3, a function call that opens a
/// step of the current turn without a signature ("Function call is missing a thought_signature …"); a function-response
/// turn whose parts do not answer the calls of the turn before ("Please ensure that the number of function response
/// parts is equal to …"). Also refused here: a <c>functionResponse.id</c> or name that matches no call of that turn
/// (Gemini 3 matches responses to calls by id and name strictly).
/// </summary>
internal sealed class GeminiRequestRules
{
    private readonly ConcurrentDictionary<string, bool> _issued = new(StringComparer.Ordinal);
    private int _next;

    /// <summary>Makes a new signature, as the API attaches to the parts it returns.</summary>
    public string Issue()
    {
        var signature = Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"gemini-thought:{Interlocked.Increment(ref _next)}")));
        _issued[signature] = true;
        return signature;
    }

    public (int Status, string Body, string Message)? Check(JsonElement request, bool gemini3)
    {
        if (!request.TryGetProperty("contents", out var contents))
        {
            return null;
        }

        var currentTurnStart = CurrentTurnStart(contents);
        JsonElement? previous = null;
        for (var i = 0; i < contents.GetArrayLength(); i++)
        {
            var turn = contents[i];
            var parts = turn.GetProperty("parts");
            var model = turn.TryGetProperty("role", out var role) && role.GetString() == "model";
            var firstCall = true;
            var position = 0;
            foreach (var part in parts.EnumerateArray())
            {
                position++;
                if (part.TryGetProperty("thoughtSignature", out var signature)
                    && signature.GetString() is var value && value != GeminiChatClient.ThoughtSignaturePlaceholder && (value is null || !_issued.ContainsKey(value)))
                {
                    return Error("Corrupted thought signature.");
                }

                if (model && part.TryGetProperty("functionCall", out var call))
                {
                    if (gemini3 && firstCall && i >= currentTurnStart && !part.TryGetProperty("thoughtSignature", out _))
                    {
                        return Error($"Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call `default_api:{call.GetProperty("name").GetString()}` , position {position}. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.");
                    }

                    firstCall = false;
                }
            }

            if (!model && Calls(previous) is { Count: > 0 } calls && PairingError(calls, parts) is { } pairing)
            {
                return Error(pairing);
            }

            previous = turn;
        }

        return null;
    }

    /// <summary>The current turn starts at the last user turn with standard content (text, media), not function responses.</summary>
    private static int CurrentTurnStart(JsonElement contents)
    {
        for (var i = contents.GetArrayLength() - 1; i >= 0; i--)
        {
            var turn = contents[i];
            if (turn.GetProperty("role").GetString() == "user")
            {
                foreach (var part in turn.GetProperty("parts").EnumerateArray())
                {
                    if (!part.TryGetProperty("functionResponse", out _))
                    {
                        return i;
                    }
                }
            }
        }

        return 0;
    }

    private static List<JsonElement>? Calls(JsonElement? turn)
    {
        if (turn is not { } model || model.GetProperty("role").GetString() != "model")
        {
            return null;
        }

        List<JsonElement>? calls = null;
        foreach (var part in model.GetProperty("parts").EnumerateArray())
        {
            if (part.TryGetProperty("functionCall", out var call))
            {
                (calls ??= []).Add(call);
            }
        }

        return calls;
    }

    private static string? PairingError(List<JsonElement> calls, JsonElement parts)
    {
        var responses = new List<JsonElement>();
        foreach (var part in parts.EnumerateArray())
        {
            if (part.TryGetProperty("functionResponse", out var response))
            {
                responses.Add(response);
            }
        }

        if (responses.Count != calls.Count)
        {
            return "Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.";
        }

        foreach (var response in responses)
        {
            var id = response.TryGetProperty("id", out var responseId) ? responseId.GetString() : null;
            var name = response.GetProperty("name").GetString();
            if (!calls.Exists(c => c.GetProperty("name").GetString() == name && (id is null || (c.TryGetProperty("id", out var callId) && callId.GetString() == id))))
            {
                return $"The function response for '{name}' (id '{id}') matches no function call of the function call turn.";
            }
        }

        return null;
    }

    private static (int, string, string) Error(string message) => (400, GeminiWireJson.Error(400, "INVALID_ARGUMENT", message), message);
}
