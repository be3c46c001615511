using LlmFallback.Conformance;
using Microsoft.Extensions.DependencyInjection;

namespace LlmFallback.Portability.Tests;

/// <summary>
/// A tool loop that starts on one provider and fails over mid-loop to another, for every ordered pair of OpenAI,
/// Anthropic and Gemini, streamed and not: each server refuses what its real API refuses, so the final answer arrives
/// only if the history was carried over correctly. The next turn goes back to the first provider (A→B→A).
/// </summary>
public sealed class CrossProviderToolLoopTests : IAsyncLifetime
{
    private ProviderServers _servers = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string, bool> Pairs()
    {
        var pairs = new TheoryData<string, string, bool>();
        foreach (var first in ProviderServers.Names)
        {
            foreach (var second in ProviderServers.Names)
            {
                if (first != second)
                {
                    pairs.Add(first, second, false);
                    pairs.Add(first, second, true);
                }
            }
        }

        return pairs;
    }

    public async ValueTask InitializeAsync() => _servers = await ProviderServers.StartAsync(Ct);

    public async ValueTask DisposeAsync() => await _servers.DisposeAsync();

    private static async Task<ChatResponse> AskAsync(IChatClient client, List<ChatMessage> conversation, bool stream)
    {
        var options = ConversationTools.Options(ConversationTools.Weather);
        var response = stream
            ? await client.GetStreamingResponseAsync(conversation, options, Ct).ToChatResponseAsync(Ct)
            : await client.GetResponseAsync(conversation, options, Ct);
        conversation.AddRange(response.Messages);
        return response;
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public async Task ToolLoop_FailsOverMidLoop_FinishesOnTheOtherProviderAndReturnsToTheFirst(string first, string second, bool stream)
    {
        await using var sp = _servers.Build([first, second]);
        var client = sp.GetRequiredService<IChatClient>();
        var a = _servers[first];
        var b = _servers[second];
        a.Enqueue(WireScenario.ToolCall(ConversationTools.Call(first, "get_weather", "Paris", 1).Id, "get_weather", """{"city":"Paris"}""", stream));
        a.Enqueue(WireScenario.Error(WireError.Unavailable));
        b.Enqueue(WireScenario.ToolCall(ConversationTools.Call(second, "get_weather", "Lyon", 1).Id, "get_weather", """{"city":"Lyon"}""", stream));
        b.Enqueue(stream ? WireScenario.Stream(["Paris is sunny", " and Lyon is rainy."]) : WireScenario.Text("Paris is sunny and Lyon is rainy."));
        List<ChatMessage> conversation = [new(ChatRole.User, "Weather in Paris and Lyon?")];

        var answer = await AskAsync(client, conversation, stream);

        Assert.Equal("Paris is sunny and Lyon is rainy.", answer.Messages[^1].Text);
        Assert.All(_servers.All, s => Assert.Empty(s.Rejections));
        Assert.Equal([2, 2], new[] { a.Requests.Count, b.Requests.Count });
        AssertCarriedOver(b.Requests[0].Body, first, second);
        Assert.Equal(["sunny", "rainy"], conversation.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Select(r => r.Result?.ToString()));

        // A→B→A: once its break is over, the first provider takes the next turn with the whole history.
        _servers.Time.Advance(ProviderServers.BreakDuration + TimeSpan.FromSeconds(1));
        a.Enqueue(stream ? WireScenario.Stream(["Tomorrow", " too."]) : WireScenario.Text("Tomorrow too."));
        conversation.Add(new ChatMessage(ChatRole.User, "And tomorrow?"));

        var again = await AskAsync(client, conversation, stream);

        Assert.Equal("Tomorrow too.", again.Messages[^1].Text);
        Assert.All(_servers.All, s => Assert.Empty(s.Rejections));
        Assert.Equal(3, a.Requests.Count);
        AssertCarriedOver(a.Requests[2].Body, second, first);
        if (ConversationTools.SignatureMark(first) is { } own)
        {
            Assert.Contains(own, a.Requests[2].Body, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(ProviderServers.OpenAI, "Function call is missing a thought_signature in functionCall parts.")]
    [InlineData(ProviderServers.Anthropic, "Corrupted thought signature.")]
    public async Task ToolLoop_WithoutPortability_IsRefusedByGeminiAsTheRealApiRefusesIt(string first, string refusal)
    {
        await using var sp = _servers.Build([first, ProviderServers.Gemini], portability: false);
        var a = _servers[first];
        a.Enqueue(WireScenario.ToolCall(ConversationTools.Call(first, "get_weather", "Paris", 1).Id, "get_weather", """{"city":"Paris"}""", stream: false));
        a.Enqueue(WireScenario.Error(WireError.Unavailable));
        _servers[ProviderServers.Gemini].Enqueue(WireScenario.Text("never sent"));

        await Assert.ThrowsAnyAsync<Exception>(() => AskAsync(sp.GetRequiredService<IChatClient>(), [new(ChatRole.User, "Weather in Paris?")], stream: false));

        Assert.StartsWith(refusal, Assert.Single(_servers[ProviderServers.Gemini].Rejections), StringComparison.Ordinal);
    }

    /// <summary>What the target's request holds of the origin's opaque data: no signature of another family; a placeholder where Gemini needs one.</summary>
    private static void AssertCarriedOver(string body, string origin, string target)
    {
        if (ConversationTools.SignatureMark(origin) is { } foreign)
        {
            Assert.DoesNotContain(foreign, body, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(Anthropic.Tests.AnthropicLoopbackServer.ThinkingText, target == ProviderServers.Anthropic ? string.Empty : body, StringComparison.Ordinal);
        Assert.Equal(target == ProviderServers.Gemini, body.Contains(Gemini.GeminiChatClient.ThoughtSignaturePlaceholder, StringComparison.Ordinal));
    }
}
