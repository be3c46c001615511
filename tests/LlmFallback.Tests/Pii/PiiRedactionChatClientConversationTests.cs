using Microsoft.Extensions.Time.Testing;

namespace LlmFallback.Tests.Pii;

/// <summary>Server-side conversations (<c>ChatOptions.ConversationId</c>): pseudonyms survive turns whose history is not resent.</summary>
public class PiiRedactionChatClientConversationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static TestChatClient Echoing(List<string> seen, string answer) => new()
    {
        OnGetResponse = (messages, _, _) =>
        {
            seen.Add(string.Join(" | ", messages.Select(m => m.Text)));
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, answer)) { ConversationId = "conv-1" });
        },
        OnGetStreamingResponse = (messages, _, ct) =>
        {
            seen.Add(string.Join(" | ", messages.Select(m => m.Text)));
            return TestChatClient.Stream(ct, "m", ["Still ", "<EMA", "IL_1>."]);
        },
    };

    [Fact]
    public async Task GetResponseAsync_SameConversationId_ContinuesNumberingAndRestoresEarlierPlaceholders()
    {
        var seen = new List<string>();
        using var client = new PiiRedactionChatClient(Echoing(seen, "Mailing <EMAIL_1> and <EMAIL_2>."), new PiiRedactionOptions { DefaultAction = PiiAction.Pseudonymise });
        var options = new ChatOptions { ConversationId = "conv-1" };

        await client.GetResponseAsync("I am a@example.com.", options, Ct);
        var second = await client.GetResponseAsync("Also copy b@example.org.", options, Ct);

        Assert.Equal(["I am <EMAIL_1>.", "Also copy <EMAIL_2>."], seen);
        Assert.Equal("Mailing a@example.com and b@example.org.", second.Text);
    }

    [Fact]
    public async Task GetResponseAsync_ConversationIdFromTheResponse_IsRememberedForTheNextCall()
    {
        var seen = new List<string>();
        using var client = new PiiRedactionChatClient(Echoing(seen, "Noted <EMAIL_1>."), new PiiRedactionOptions { DefaultAction = PiiAction.Pseudonymise });

        await client.GetResponseAsync("I am a@example.com.", cancellationToken: Ct);
        var next = await client.GetResponseAsync("What did you note?", new ChatOptions { ConversationId = "conv-1" }, Ct);

        Assert.Equal("Noted a@example.com.", next.Text);
        Assert.Null(next.GetLlmSafetyReport());
    }

    [Fact]
    public async Task GetStreamingResponseAsync_SameConversationId_RestoresAcrossChunks()
    {
        var seen = new List<string>();
        using var client = new PiiRedactionChatClient(Echoing(seen, "Noted <EMAIL_1>."), new PiiRedactionOptions { DefaultAction = PiiAction.Pseudonymise });
        var options = new ChatOptions { ConversationId = "conv-1" };
        await client.GetResponseAsync("I am a@example.com.", options, Ct);

        var updates = await client.GetStreamingResponseAsync("Anything else?", options, Ct).ToListAsync(Ct);

        Assert.Equal("Still a@example.com.", string.Concat(updates.Select(u => u.Text)));
    }

    [Fact]
    public async Task GetResponseAsync_ConversationExpired_ForgetsItsPseudonyms()
    {
        var time = new FakeTimeProvider();
        var seen = new List<string>();
        using var client = new PiiRedactionChatClient(Echoing(seen, "Noted <EMAIL_1>."), new PiiRedactionOptions { DefaultAction = PiiAction.Pseudonymise, ConversationLifetime = TimeSpan.FromMinutes(10) }, timeProvider: time);
        var options = new ChatOptions { ConversationId = "conv-1" };
        await client.GetResponseAsync("I am a@example.com.", options, Ct);

        time.Advance(TimeSpan.FromMinutes(11));
        var late = await client.GetResponseAsync("Hello?", options, Ct);

        Assert.Equal("Noted <EMAIL_1>.", late.Text);
    }

    [Fact]
    public async Task GetResponseAsync_LifetimeZero_KeepsNothingBetweenCalls()
    {
        var seen = new List<string>();
        using var client = new PiiRedactionChatClient(Echoing(seen, "Noted <EMAIL_1>."), new PiiRedactionOptions { DefaultAction = PiiAction.Pseudonymise, ConversationLifetime = TimeSpan.Zero });
        var options = new ChatOptions { ConversationId = "conv-1" };
        await client.GetResponseAsync("I am a@example.com.", options, Ct);

        var next = await client.GetResponseAsync("Hello?", options, Ct);

        Assert.Equal("Noted <EMAIL_1>.", next.Text);
    }

    [Fact]
    public void Put_MoreThanCapacity_DropsTheLeastRecentlyUsed()
    {
        var time = new FakeTimeProvider();
        var conversations = new PseudonymConversations(time, TimeSpan.FromHours(1), capacity: 2);
        conversations.Put("a", new PseudonymMap());
        time.Advance(TimeSpan.FromSeconds(1));
        conversations.Put("b", new PseudonymMap());
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.NotNull(conversations.Get("a"));
        time.Advance(TimeSpan.FromSeconds(1));

        conversations.Put("c", new PseudonymMap());

        Assert.Equal(2, conversations.Count);
        Assert.NotNull(conversations.Get("a"));
        Assert.Null(conversations.Get("b"));
        Assert.NotNull(conversations.Get("c"));
    }
}
