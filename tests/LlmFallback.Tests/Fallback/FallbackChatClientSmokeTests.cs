using Microsoft.Extensions.Time.Testing;

namespace LlmFallback.Tests.Fallback;

public class FallbackChatClientSmokeTests
{
    [Fact]
    public async Task GetResponseAsync_PrimaryAnswers_ReturnsItWithCallInfo()
    {
        var time = new FakeTimeProvider();
        var primary = new LlmProvider("primary", TestChatClient.Answering("hello", "m1"), new() { Model = "m1" }, timeProvider: time);
        var secondary = new LlmProvider("secondary", TestChatClient.Answering("other", "m2"), new() { Model = "m2" }, timeProvider: time);
        using var client = new FallbackChatClient([primary, secondary]);

        var response = await client.GetResponseAsync("hi", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("hello", response.Text);
        var info = response.GetLlmCallInfo();
        Assert.NotNull(info);
        Assert.Equal("primary", info.Provider);
        Assert.Equal(1, info.AttemptCount);
        Assert.Null(info.FallbackReason);
    }

    [Fact]
    public async Task GetResponseAsync_PrimaryFails500_FailsOverAfterRetries()
    {
        var time = new FakeTimeProvider();
        var failing = TestChatClient.Failing(() => new LlmProviderException(LlmFailureKind.ServerError, statusCode: 500));
        var primary = new LlmProvider("primary", failing, new() { Model = "m1", Resilience = new() { MaxRetries = 0 } }, timeProvider: time);
        var secondary = new LlmProvider("secondary", TestChatClient.Answering("other", "m2"), new() { Model = "m2" }, timeProvider: time);
        using var client = new FallbackChatClient([primary, secondary]);

        var response = await client.GetResponseAsync("hi", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("other", response.Text);
        var info = response.GetLlmCallInfo()!;
        Assert.Equal("secondary", info.Provider);
        Assert.Equal("m2", response.ModelId);
        Assert.Equal(LlmFailureKind.ServerError, info.FallbackReason);
        Assert.Equal(2, info.AttemptCount);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_PrimaryStreams_FinalUpdateCarriesCallInfo()
    {
        var time = new FakeTimeProvider();
        var primary = new LlmProvider("primary", TestChatClient.Answering("hello big world", "m1"), new() { Model = "m1" }, timeProvider: time);
        using var client = new FallbackChatClient([primary]);

        var updates = new List<ChatResponseUpdate>();
        await foreach (var u in client.GetStreamingResponseAsync("hi", cancellationToken: TestContext.Current.CancellationToken))
        {
            updates.Add(u);
        }

        var response = updates.ToChatResponse();
        Assert.Equal("hello big world", response.Text);
        Assert.Equal("primary", updates[^1].GetLlmCallInfo()!.Provider);
        Assert.Equal("primary", response.GetLlmCallInfo()!.Provider);
    }
}
