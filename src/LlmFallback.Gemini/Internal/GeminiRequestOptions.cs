using System.Text.Json;
using Microsoft.Extensions.AI;

namespace LlmFallback.Gemini;

/// <summary>Maps <see cref="ChatOptions"/> onto a Gemini request: tools, tool mode, generation and thinking settings, safety settings.</summary>
internal static class GeminiRequestOptions
{
    /// <summary>Applies <paramref name="options"/>; returns what Gemini has no field for.</summary>
    public static GeminiUnmapped Apply(GenerateContentRequest request, ChatOptions options, string model)
    {
        var unmapped = AddTools(request, options);
        request.GenerationConfig = GeminiGenerationOptions.Create(options, model, ref unmapped);
        if (options.ConversationId is not null)
        {
            unmapped |= GeminiUnmapped.ConversationId;
        }

        if (options.AllowMultipleToolCalls == false)
        {
            unmapped |= GeminiUnmapped.AllowMultipleToolCalls;
        }

        if (options.RawRepresentationFactory is not null)
        {
            unmapped |= GeminiUnmapped.RawRepresentationFactory;
        }

#pragma warning disable MEAI001 // Background responses are experimental; setting them is still a request Gemini cannot honour.
        if (options.AllowBackgroundResponses == true || options.ContinuationToken is not null)
#pragma warning restore MEAI001
        {
            unmapped |= GeminiUnmapped.BackgroundResponses;
        }

        if (options.AdditionalProperties is { Count: > 0 } properties)
        {
            foreach (var (key, value) in properties)
            {
                if (string.Equals(key, GeminiChatClient.SafetySettingsKey, StringComparison.Ordinal))
                {
                    request.SafetySettings = GeminiSafety.FromRequest(value, out var error) ?? throw new ArgumentException(error, nameof(options));
                }
                else if (!IsKnownProperty(key))
                {
                    unmapped |= GeminiUnmapped.AdditionalProperties;
                }
            }
        }

        return unmapped;
    }

    /// <summary>Keys that are not provider options: the library's own request context, and the adapter's safety settings.</summary>
    public static bool IsKnownProperty(string key) =>
        key.StartsWith("llmfallback.", StringComparison.Ordinal) || string.Equals(key, GeminiChatClient.SafetySettingsKey, StringComparison.Ordinal);

    public static bool IsMapped(AITool tool) => tool is AIFunctionDeclaration or HostedWebSearchTool or HostedCodeInterpreterTool
        || (tool is HostedFileSearchTool search && StoreNames(search) is not null);

    private static GeminiUnmapped AddTools(GenerateContentRequest request, ChatOptions options)
    {
        if (options.Tools is not { Count: > 0 } tools)
        {
            return GeminiUnmapped.None;
        }

        var unmapped = GeminiUnmapped.None;
        List<GeminiFunctionDeclaration>? declarations = null;
        foreach (var tool in tools)
        {
            switch (tool)
            {
                case AIFunctionDeclaration function:
                    (declarations ??= new(tools.Count)).Add(new GeminiFunctionDeclaration
                    {
                        Name = function.Name,
                        Description = string.IsNullOrEmpty(function.Description) ? null : function.Description,
                        ParametersJsonSchema = function.JsonSchema.ValueKind == JsonValueKind.Object ? function.JsonSchema : null,
                    });
                    break;
                case HostedWebSearchTool:
                    (request.Tools ??= []).Add(new GeminiTool { GoogleSearch = GeminiEmpty.Instance });
                    break;
                case HostedCodeInterpreterTool:
                    (request.Tools ??= []).Add(new GeminiTool { CodeExecution = GeminiEmpty.Instance });
                    break;
                case HostedFileSearchTool search when StoreNames(search) is { } stores:
                    (request.Tools ??= []).Add(new GeminiTool { FileSearch = new GeminiFileSearch { FileSearchStoreNames = stores } });
                    unmapped |= search.MaximumResultCount is null ? GeminiUnmapped.None : GeminiUnmapped.FileSearchMaximumResultCount;
                    break;
                default:
                    unmapped |= GeminiUnmapped.HostedTool;
                    break;
            }
        }

        if (declarations is not null)
        {
            (request.Tools ??= []).Insert(0, new GeminiTool { FunctionDeclarations = declarations });
            request.ToolConfig = options.ToolMode switch
            {
                NoneChatToolMode => Mode("NONE", null),
                RequiredChatToolMode { RequiredFunctionName: { } name } => Mode("ANY", [name]),
                RequiredChatToolMode => Mode("ANY", null),
                AutoChatToolMode => Mode("AUTO", null),
                _ => null,
            };
        }

        return unmapped;
    }

    /// <summary>The File Search store names of a file search tool (its <see cref="HostedVectorStoreContent"/> inputs), or <see langword="null"/>.</summary>
    private static List<string>? StoreNames(HostedFileSearchTool search)
    {
        List<string>? stores = null;
        if (search.Inputs is { } inputs)
        {
            foreach (var input in inputs)
            {
                if (input is HostedVectorStoreContent store)
                {
                    (stores ??= []).Add(store.VectorStoreId);
                }
            }
        }

        return stores;
    }

    private static GeminiToolConfig Mode(string mode, List<string>? allowed) =>
        new() { FunctionCallingConfig = new GeminiFunctionCallingConfig { Mode = mode, AllowedFunctionNames = allowed } };
}
