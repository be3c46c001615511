using static LlmFallback.Testing.Tests.TestStreams;

namespace LlmFallback.Testing.Tests;

public class ScriptStepTests
{
    [Fact]
    public async Task Delayed_GetResponse_AnswersExactlyAfterTheDelay()
    {
        var time = new FakeTimeProvider();
        using var client = ScriptedChatClient.Always(Script.Answer("late").Delayed(TimeSpan.FromSeconds(30)), time);

        var task = client.GetResponseAsync(Hi, cancellationToken: Token);
        time.Advance(TimeSpan.FromSeconds(30) - TimeSpan.FromTicks(1));
        Assert.False(task.IsCompleted);
        time.Advance(TimeSpan.FromTicks(1));

        Assert.Equal("late", (await task).Text);
    }

    [Fact]
    public async Task Delayed_Status_FailsAfterTheDelay()
    {
        var time = new FakeTimeProvider();
        using var client = ScriptedChatClient.Always(Script.Status(504).Delayed(TimeSpan.FromSeconds(60)), time);

        var task = client.GetResponseAsync(Hi, cancellationToken: Token);
        time.Advance(TimeSpan.FromSeconds(59));
        Assert.False(task.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(504, (await Assert.ThrowsAsync<LlmProviderException>(() => task)).StatusCode);
    }

    [Fact]
    public async Task Delayed_Streaming_DelaysTheFirstUpdate()
    {
        var time = new FakeTimeProvider();
        var start = time.GetUtcNow();
        using var client = ScriptedChatClient.Always(Script.Answer("a b").Delayed(TimeSpan.FromSeconds(3)), time);
        var updates = new List<ChatResponseUpdate>();

        var task = DrainAsync(client.GetStreamingResponseAsync(Hi, cancellationToken: Token), updates, Token);
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.False(task.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        await task;

        Assert.Equal(start.AddSeconds(3), updates[0].CreatedAt);
        Assert.Equal("a| b", Texts(updates));
    }

    [Fact]
    public async Task Delayed_CancelledDuringTheDelay_ThrowsOperationCanceled()
    {
        var time = new FakeTimeProvider();
        using var client = ScriptedChatClient.Always(Script.Answer("late").Delayed(TimeSpan.FromSeconds(30)), time);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Token);

        var plain = client.GetResponseAsync(Hi, cancellationToken: cts.Token);
        var streamed = CollectAsync(client.GetStreamingResponseAsync(Hi, cancellationToken: cts.Token));
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => plain);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => streamed);
    }

    [Fact]
    public void Delayed_Negative_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>("delay", () => Script.Hang().Delayed(TimeSpan.FromMilliseconds(-1)));

    [Fact]
    public async Task Times_ServesThatManyCallsThenTheNextStep()
    {
        using var client = ScriptedChatClient.Sequence(Script.Status(503).Times(3), Script.Answer("ok"));

        for (var i = 0; i < 3; i++)
        {
            await Assert.ThrowsAsync<LlmProviderException>(() => client.GetResponseAsync(Hi, cancellationToken: Token));
        }

        Assert.Equal("ok", (await client.GetResponseAsync(Hi, cancellationToken: Token)).Text);
    }

    [Fact]
    public async Task Times_OfARepeatedStep_Multiplies()
    {
        using var client = ScriptedChatClient.Sequence(Script.Status(500).Times(2).Times(3), Script.Answer("ok"));

        for (var i = 0; i < 6; i++)
        {
            await Assert.ThrowsAsync<LlmProviderException>(() => client.GetResponseAsync(Hi, cancellationToken: Token));
        }

        Assert.Equal("ok", (await client.GetResponseAsync(Hi, cancellationToken: Token)).Text);
    }

    [Fact]
    public void Times_LessThanOne_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>("count", () => Script.Hang().Times(0));

    [Fact]
    public async Task Forever_ServesEveryRemainingCall()
    {
        using var client = ScriptedChatClient.Sequence(Script.Status(503), Script.Answer("ok").Forever());

        await Assert.ThrowsAsync<LlmProviderException>(() => client.GetResponseAsync(Hi, cancellationToken: Token));
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal("ok", (await client.GetResponseAsync(Hi, cancellationToken: Token)).Text);
        }
    }

    [Fact]
    public async Task Forever_ThenTimes_StaysForever()
    {
        using var client = ScriptedChatClient.Sequence(Script.Answer("ok").Forever().Times(2));

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal("ok", (await client.GetResponseAsync(Hi, cancellationToken: Token)).Text);
        }
    }

    [Fact]
    public async Task Delayed_OfARepeatedStep_KeepsTheCountAndDelaysEachCall()
    {
        var time = new FakeTimeProvider();
        using var client = ScriptedChatClient.Sequence(time, Script.Status(503).Times(2).Delayed(TimeSpan.FromSeconds(1)), Script.Answer("ok"));

        for (var i = 0; i < 2; i++)
        {
            var task = client.GetResponseAsync(Hi, cancellationToken: Token);
            Assert.False(task.IsCompleted);
            time.Advance(TimeSpan.FromSeconds(1));
            await Assert.ThrowsAsync<LlmProviderException>(() => task);
        }

        Assert.Equal("ok", (await client.GetResponseAsync(Hi, cancellationToken: Token)).Text);
    }
}
