namespace LlmFallback.Tests.CostOptimization;

/// <summary>A conversation with a tool round trip, for the reducer tests.</summary>
internal static class ChatHistory
{
    public static List<ChatMessage> WithToolTurn() =>
    [
        new(ChatRole.System, "You are a weather bot."),
        new(ChatRole.User, "Hi"),
        new(ChatRole.Assistant, "Hello! Ask me about the weather."),
        new(ChatRole.User, "Weather in Paris?"),
        new(ChatRole.Assistant, [new FunctionCallContent("c1", "weather", new Dictionary<string, object?> { ["city"] = "Paris" })]),
        new(ChatRole.Tool, [new FunctionResultContent("c1", "18C, sunny")]),
        new(ChatRole.Assistant, "It is 18C and sunny in Paris."),
        new(ChatRole.User, "And tomorrow?"),
    ];
}
