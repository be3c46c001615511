using System.Text;
using Microsoft.Extensions.AI;

namespace LlmFallback.Gemini;

/// <summary>The <see cref="ChatOptions"/> a request set that Gemini has no field for: logged once per provider, never dropped silently.</summary>
[Flags]
internal enum GeminiUnmapped
{
    None = 0,
    ConversationId = 1,
    AllowMultipleToolCalls = 2,
    HostedTool = 4,
    ReasoningEffort = 8,
    AdditionalProperties = 16,
    RawRepresentationFactory = 32,
    BackgroundResponses = 64,
    FileSearchMaximumResultCount = 128,
}

/// <summary>Names the unmapped options of a request for the log: option names, tool types and property keys, never values.</summary>
internal static class GeminiUnmappedNames
{
    public static string Describe(GeminiUnmapped unmapped, ChatOptions options, string model)
    {
        var names = new StringBuilder();
        Add(names, unmapped, GeminiUnmapped.ConversationId, "ConversationId (Gemini keeps no server-side conversation)");
        Add(names, unmapped, GeminiUnmapped.AllowMultipleToolCalls, "AllowMultipleToolCalls (Gemini has no switch for parallel calls)");
        if ((unmapped & GeminiUnmapped.HostedTool) != 0 && options.Tools is { } tools)
        {
            foreach (var tool in tools)
            {
                if (!GeminiRequestOptions.IsMapped(tool))
                {
                    Append(names, $"Tools: {tool.GetType().Name} (no Gemini equivalent)");
                }
            }
        }

        Add(names, unmapped, GeminiUnmapped.ReasoningEffort, $"Reasoning.Effort (model '{model}' has no thinking budget or level this adapter knows)");
        if ((unmapped & GeminiUnmapped.AdditionalProperties) != 0 && options.AdditionalProperties is { } properties)
        {
            foreach (var key in properties.Keys)
            {
                if (!GeminiRequestOptions.IsKnownProperty(key))
                {
                    Append(names, $"AdditionalProperties['{key}']");
                }
            }
        }

        Add(names, unmapped, GeminiUnmapped.RawRepresentationFactory, "RawRepresentationFactory (the adapter has no SDK request type)");
        Add(names, unmapped, GeminiUnmapped.BackgroundResponses, "AllowBackgroundResponses / ContinuationToken (Gemini has no background responses)");
        Add(names, unmapped, GeminiUnmapped.FileSearchMaximumResultCount, "HostedFileSearchTool.MaximumResultCount");
        return names.ToString();
    }

    private static void Add(StringBuilder names, GeminiUnmapped unmapped, GeminiUnmapped flag, string name)
    {
        if ((unmapped & flag) != 0)
        {
            Append(names, name);
        }
    }

    private static void Append(StringBuilder names, string name) => names.Append(names.Length > 0 ? "; " : string.Empty).Append(name);
}
