using System.Text.Json;
using LlmFallback.Conformance;
using Microsoft.Extensions.DependencyInjection;

namespace LlmFallback.Portability.Tests;

/// <summary>
/// Parallel tool calls, one returning an image, made by one provider and answered by another after a fail-over, for
/// every ordered pair: the results stay paired with their calls and the image reaches the model in the form its API
/// takes (an image block in the tool result, <c>functionResponse.parts</c>, or a user message after the tool messages).
/// </summary>
public sealed class CrossProviderParallelToolTests : IAsyncLifetime
{
    private ProviderServers _servers = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string> Pairs()
    {
        var pairs = new TheoryData<string, string>();
        foreach (var first in ProviderServers.Names)
        {
            foreach (var second in ProviderServers.Names)
            {
                if (first != second)
                {
                    pairs.Add(first, second);
                }
            }
        }

        return pairs;
    }

    public async ValueTask InitializeAsync() => _servers = await ProviderServers.StartAsync(Ct);

    public async ValueTask DisposeAsync() => await _servers.DisposeAsync();

    [Theory]
    [MemberData(nameof(Pairs))]
    public async Task ParallelCallsWithAnImage_FailOver_ReachTheOtherProviderPairedAndVisible(string first, string second)
    {
        await using var sp = _servers.Build([first, second]);
        var a = _servers[first];
        var b = _servers[second];
        a.Enqueue(WireScenario.ParallelToolCalls(ConversationTools.Call(first, "get_weather", "Paris", 1), ConversationTools.Call(first, "get_photo", "Paris", 2)));
        a.Enqueue(WireScenario.Error(WireError.Unavailable));
        b.Enqueue(WireScenario.Text("Sunny, and the photo shows the Eiffel Tower."));
        List<ChatMessage> conversation = [new(ChatRole.User, "Weather in Paris, and show me a photo.")];

        var response = await sp.GetRequiredService<IChatClient>().GetResponseAsync(conversation, ConversationTools.Options(ConversationTools.Weather, ConversationTools.PhotoTool), Ct);

        Assert.Equal("Sunny, and the photo shows the Eiffel Tower.", response.Messages[^1].Text);
        Assert.All(_servers.All, s => Assert.Empty(s.Rejections));
        Assert.Equal(Convert.ToBase64String(ConversationTools.Photo), Image(b.Requests[0].Json, second));
    }

    /// <summary>The photo's base64 data where the target's format carries it.</summary>
    private static string? Image(JsonElement request, string target)
    {
        switch (target)
        {
            case ProviderServers.OpenAI:
                // Tool messages hold text: the image follows them in a user message.
                var messages = request.GetProperty("messages");
                Assert.Equal(["user", "assistant", "tool", "tool", "user"], messages.EnumerateArray().Select(m => m.GetProperty("role").GetString()));
                var url = messages[4].GetProperty("content").EnumerateArray().Single(p => p.GetProperty("type").GetString() == "image_url").GetProperty("image_url").GetProperty("url").GetString()!;
                return url[(url.IndexOf(',', StringComparison.Ordinal) + 1)..];

            case ProviderServers.Anthropic:
                var results = request.GetProperty("messages")[2].GetProperty("content").EnumerateArray().Where(b => b.GetProperty("type").GetString() == "tool_result").ToList();
                Assert.Equal(2, results.Count);
                return results.SelectMany(r => r.GetProperty("content").ValueKind == JsonValueKind.Array ? r.GetProperty("content").EnumerateArray() : [])
                    .Single(c => c.GetProperty("type").GetString() == "image").GetProperty("source").GetProperty("data").GetString();

            default:
                var responses = request.GetProperty("contents")[2].GetProperty("parts").EnumerateArray().Select(p => p.GetProperty("functionResponse")).ToList();
                Assert.Equal(2, responses.Count);
                return responses.Single(r => r.TryGetProperty("parts", out _)).GetProperty("parts")[0].GetProperty("inlineData").GetProperty("data").GetString();
        }
    }
}
