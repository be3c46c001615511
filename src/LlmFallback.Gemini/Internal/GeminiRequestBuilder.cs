using System.Text.Json;
using Microsoft.Extensions.AI;

namespace LlmFallback.Gemini;

/// <summary>Turns a Microsoft.Extensions.AI conversation and options into a Gemini request body.</summary>
internal static class GeminiRequestBuilder
{
    private const string UserRole = "user";
    private const string ModelRole = "model";

    public static GenerateContentRequest Build(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        var request = new GenerateContentRequest();
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

        if (options is not null)
        {
            AddTools(request, options);
            request.GenerationConfig = GenerationConfig(options);
        }

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
                // Thought summaries are not input; only the opaque signature matters to the model, and it must
                // travel back with its part.
                return reasoning.ProtectedData is { } protectedData
                    ? new GeminiPart { Text = reasoning.Text, Thought = true, ThoughtSignature = protectedData }
                    : null;

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
                var matched = calls![result.CallId];
                return new GeminiPart
                {
                    FunctionResponse = new GeminiFunctionResponse
                    {
                        Id = GeminiContentMapper.ApiCallId(result.CallId),
                        Name = matched.Name,
                        Response = GeminiJson.FunctionResponse(result.Result, result.Exception is not null),
                    },
                };

            default:
                return null;
        }
    }

    private static void AddTools(GenerateContentRequest request, ChatOptions options)
    {
        if (options.Tools is not { Count: > 0 } tools)
        {
            return;
        }

        List<GeminiFunctionDeclaration>? declarations = null;
        foreach (var tool in tools)
        {
            if (tool is AIFunctionDeclaration function)
            {
                (declarations ??= new(tools.Count)).Add(new GeminiFunctionDeclaration
                {
                    Name = function.Name,
                    Description = string.IsNullOrEmpty(function.Description) ? null : function.Description,
                    ParametersJsonSchema = function.JsonSchema.ValueKind == JsonValueKind.Object ? function.JsonSchema : null,
                });
            }
        }

        if (declarations is null)
        {
            return;
        }

        request.Tools = [new GeminiTool { FunctionDeclarations = declarations }];
        request.ToolConfig = options.ToolMode switch
        {
            NoneChatToolMode => Mode("NONE", null),
            RequiredChatToolMode { RequiredFunctionName: { } name } => Mode("ANY", [name]),
            RequiredChatToolMode => Mode("ANY", null),
            AutoChatToolMode => Mode("AUTO", null),
            _ => null,
        };
    }

    private static GeminiToolConfig Mode(string mode, List<string>? allowed) =>
        new() { FunctionCallingConfig = new GeminiFunctionCallingConfig { Mode = mode, AllowedFunctionNames = allowed } };

    private static GeminiGenerationConfig? GenerationConfig(ChatOptions options)
    {
        var config = new GeminiGenerationConfig
        {
            Temperature = options.Temperature,
            TopP = options.TopP,
            TopK = options.TopK,
            MaxOutputTokens = options.MaxOutputTokens,
            PresencePenalty = options.PresencePenalty,
            FrequencyPenalty = options.FrequencyPenalty,
            Seed = options.Seed,
        };

        var any = options.Temperature is not null || options.TopP is not null || options.TopK is not null || options.MaxOutputTokens is not null
            || options.PresencePenalty is not null || options.FrequencyPenalty is not null || options.Seed is not null;

        if (options.StopSequences is { Count: > 0 } stops)
        {
            config.StopSequences = [.. stops];
            any = true;
        }

        if (options.ResponseFormat is ChatResponseFormatJson json)
        {
            config.ResponseMimeType = "application/json";
            if (json.Schema is { } schema)
            {
                config.ResponseJsonSchema = schema;
            }

            any = true;
        }

        if (options.Reasoning?.Output is ReasoningOutput.Summary or ReasoningOutput.Full)
        {
            config.ThinkingConfig = new GeminiThinkingConfig { IncludeThoughts = true };
            any = true;
        }

        return any ? config : null;
    }
}
