using Microsoft.Extensions.AI;

namespace LlmFallback.Gemini;

/// <summary>Turns a Microsoft.Extensions.AI conversation and options into a Gemini request body.</summary>
internal static class GeminiRequestBuilder
{
    private const string UserRole = "user";
    private const string ModelRole = "model";

    /// <summary>Builds the request; <paramref name="unmapped"/> receives the options Gemini has no field for.</summary>
    public static GenerateContentRequest Build(IEnumerable<ChatMessage> messages, ChatOptions? options, string model, List<GeminiSafetySetting>? safetySettings, out GeminiUnmapped unmapped)
    {
        var request = new GenerateContentRequest { SafetySettings = safetySettings };
        List<GeminiPart>? system = null;
        if (options?.Instructions is { Length: > 0 } instructions)
        {
            system = [new GeminiPart { Text = instructions }];
        }

        // Gemini function responses carry the function's name, which FunctionResultContent lacks: results are matched
        // to the calls that precede them in the conversation by call id.
        Dictionary<string, FunctionCallContent>? calls = null;
        GeminiContent? current = null;
        foreach (var message in messages)
        {
            if (message.Role == ChatRole.System)
            {
                foreach (var content in message.Contents)
                {
                    if (content is TextContent { Text.Length: > 0 } text)
                    {
                        (system ??= []).Add(new GeminiPart { Text = text.Text });
                    }
                }

                continue;
            }

            var role = message.Role == ChatRole.Assistant ? ModelRole : UserRole;
            foreach (var content in message.Contents)
            {
                if (content is FunctionResultContent result && (calls is null || !calls.ContainsKey(result.CallId)))
                {
                    throw new ArgumentException(
                        $"The function result with call id '{result.CallId}' has no matching function call earlier in the conversation; Gemini needs the function's name, which only the call carries.",
                        nameof(messages));
                }

                var part = ToPart(content, ref calls);
                if (part is null)
                {
                    continue;
                }

                request.HasFileData |= part.FileData is not null;

                // Consecutive messages of one role become one turn: Gemini expects turns to alternate.
                if (current is null || !string.Equals(current.Role, role, StringComparison.Ordinal))
                {
                    current = new GeminiContent { Role = role, Parts = [] };
                    request.Contents.Add(current);
                }

                current.Parts!.Add(part);
            }
        }

        if (system is not null)
        {
            request.SystemInstruction = new GeminiContent { Parts = system };
        }

        unmapped = options is null ? GeminiUnmapped.None : GeminiRequestOptions.Apply(request, options, model);
        return request;
    }

    private static GeminiPart? ToPart(AIContent content, ref Dictionary<string, FunctionCallContent>? calls)
    {
        switch (content)
        {
            case TextContent text:
                var signature = GeminiContentMapper.GetThoughtSignature(text);
                return text.Text.Length > 0 || signature is not null ? new GeminiPart { Text = text.Text, ThoughtSignature = signature } : null;

            case TextReasoningContent reasoning:
                // Thought summaries are not input; only the opaque signature matters to the model, and it must travel
                // back with its part. A signature without text goes back as the empty text part it came on.
                return reasoning.ProtectedData is not { Length: > 0 } protectedData ? null
                    : reasoning.Text.Length > 0 ? new GeminiPart { Text = reasoning.Text, Thought = true, ThoughtSignature = protectedData }
                    : new GeminiPart { Text = string.Empty, ThoughtSignature = protectedData };

            case DataContent data:
                return new GeminiPart { InlineData = new GeminiBlob { MimeType = data.MediaType, Data = data.Base64Data.ToString() } };

            case UriContent uri:
                return new GeminiPart { FileData = new GeminiFileData { MimeType = uri.MediaType, FileUri = uri.Uri.OriginalString } };

            case FunctionCallContent call:
                (calls ??= new(StringComparer.Ordinal))[call.CallId] = call;
                return new GeminiPart
                {
                    FunctionCall = new GeminiFunctionCall
                    {
                        Id = GeminiContentMapper.ApiCallId(call.CallId),
                        Name = call.Name,
                        Args = call.Arguments is null ? null : GeminiJson.ToElement(call.Arguments),
                    },
                    ThoughtSignature = GeminiContentMapper.GetThoughtSignature(call),
                };

            case FunctionResultContent result:
                return new GeminiPart { FunctionResponse = GeminiFunctionResponses.Create(result, calls![result.CallId].Name) };

            default:
                return null;
        }
    }
}
