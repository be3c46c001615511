namespace LlmFallback.Gemini.Tests;

/// <summary>Against the real Gemini API; skipped unless <c>GEMINI_API_KEY</c> is set (model: <c>GEMINI_MODEL</c>, default gemini-2.5-flash).</summary>
public class GeminiLiveTests
{
    private static readonly string? Key = Environment.GetEnvironmentVariable("GEMINI_API_KEY");
    private static readonly string Model = Environment.GetEnvironmentVariable("GEMINI_MODEL") is { Length: > 0 } m ? m : "gemini-2.5-flash";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static GeminiChatClient Client(HttpClient http)
    {
        Assert.SkipWhen(string.IsNullOrEmpty(Key), "GEMINI_API_KEY is not set.");
        return new GeminiChatClient(http, Key!, Model);
    }

    [Fact]
    public async Task GetResponseAsync_LiveApi_AnswersWithUsage()
    {
        using var http = new HttpClient();
        var client = Client(http);

        var response = await client.GetResponseAsync([new(ChatRole.System, "Answer with one word."), new(ChatRole.User, "What color is the sky on a clear day?")], cancellationToken: Ct);

        Assert.False(string.IsNullOrWhiteSpace(response.Text));
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.True(response.Usage!.InputTokenCount > 0);
        Assert.NotNull(response.ModelId);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_LiveApi_EndsWithAFinishReason()
    {
        using var http = new HttpClient();
        var client = Client(http);

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync("Count from 1 to 5.", cancellationToken: Ct))
        {
            updates.Add(update);
        }

        Assert.NotNull(updates[^1].FinishReason);
        Assert.Contains("3", string.Concat(updates.Select(u => u.Text)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_LiveApiToolRoundTrip_UsesTheFunctionResult()
    {
        using var http = new HttpClient();
        var client = new ChatClientBuilder(Client(http)).UseFunctionInvocation().Build();
        var tool = AIFunctionFactory.Create((string city) => $"It is 21 degrees and sunny in {city}.", "get_weather", "Gets the current weather in a city.");

        var response = await client.GetResponseAsync("What is the weather in Paris? Use the tool.", new ChatOptions { Tools = [tool] }, Ct);

        Assert.Contains("21", response.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_LiveApiInvalidKey_IsAuthentication()
    {
        using var http = new HttpClient();
        Client(http);
        var client = new GeminiChatClient(http, "not-a-valid-key", Model);

        var ex = await Assert.ThrowsAsync<LlmProviderException>(() => client.GetResponseAsync("Hi", cancellationToken: Ct));

        Assert.Equal(LlmFailureKind.Authentication, ex.Kind);
    }
}
