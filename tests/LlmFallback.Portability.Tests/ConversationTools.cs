using System.Text;
using System.Text.Json;
using LlmFallback.Conformance;

namespace LlmFallback.Portability.Tests;

/// <summary>The tools of the conversations, the tool calls each provider makes, and the marks of each provider's opaque data.</summary>
internal static class ConversationTools
{
    public static readonly byte[] Photo = [137, 80, 78, 71, 13, 10, 26, 10];

    public static AIFunction Weather { get; } = AIFunctionFactory.Create((string city) => city == "Paris" ? "sunny" : "rainy", "get_weather", "Gets the weather for a city.");

    public static AIFunction PhotoTool { get; } = new PhotoFunction();

    /// <summary>A tool call as provider <paramref name="provider"/> would make it (Gemini's format has no id; OpenAI's and Anthropic's have their own shapes).</summary>
    public static WireToolCall Call(string provider, string function, string city, int n) => new(
        provider == ProviderServers.Anthropic ? $"toolu_01{city}{n}" : $"call_{city}{n}Xq",
        function,
        $$"""{"city":"{{city}}"}""");

    /// <summary>Text every signature a server issued starts with, so a request can be searched for another family's.</summary>
    public static string? SignatureMark(string provider) => provider switch
    {
        ProviderServers.Anthropic => Base64Prefix("anthropic-thinking:"),
        ProviderServers.Gemini => Base64Prefix("gemini-thought:"),
        _ => null,
    };

    public static ChatOptions Options(params AITool[] tools) => new()
    {
        Tools = [.. tools],
        Reasoning = new ReasoningOptions { Effort = ReasoningEffort.High },
    };

    private static string Base64Prefix(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text))[..16];

    /// <summary>Returns an image and a caption, as a screenshot or camera tool does.</summary>
    private sealed class PhotoFunction : AIFunction
    {
        private static readonly JsonElement Schema = JsonElement.Parse("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""");

        public override string Name => "get_photo";

        public override string Description => "Takes a photo of a city.";

        public override JsonElement JsonSchema => Schema;

        protected override ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken) =>
            new(new List<AIContent> { new TextContent("A photo of the city."), new DataContent(Photo, "image/png") { Name = "city.png" } });
    }
}
