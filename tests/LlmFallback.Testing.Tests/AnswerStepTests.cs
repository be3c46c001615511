using System.Net.Http;
using System.Text.Json;
using static LlmFallback.Testing.Tests.TestStreams;

namespace LlmFallback.Testing.Tests;

public class AnswerStepTests
{
    [Fact]
    public async Task ThenCut_Streaming_YieldsEveryTokenThenThrowsResponseEnded()
    {
        using var client = ScriptedChatClient.Always(Script.Answer("one two three").ThenCut());
        var updates = new List<ChatResponseUpdate>();

        var ex = await Assert.ThrowsAsync<HttpIOException>(() => DrainAsync(client.GetStreamingResponseAsync(Hi, cancellationToken: Token), updates, Token));

        Assert.Equal(HttpRequestError.ResponseEnded, ex.HttpRequestError);
        Assert.Equal("one| two| three", Texts(updates));
        Assert.All(updates, u => Assert.Null(u.FinishReason));
        Assert.Equal(LlmFailureKind.Transport, LlmFailureClassifier.Classify(ex).Kind);
    }

    [Fact]
    public async Task ThenCut_GetResponse_Throws()
    {
        using var client = ScriptedChatClient.Always(Script.Answer("one two").ThenCut());

        var ex = await Assert.ThrowsAsync<HttpIOException>(() => client.GetResponseAsync(Hi, cancellationToken: Token));

        Assert.Equal(HttpRequestError.ResponseEnded, ex.HttpRequestError);
    }

    [Fact]
    public async Task ThenGarbage_Streaming_YieldsEveryTokenThenThrowsJsonException()
    {
        using var client = ScriptedChatClient.Always(Script.Stream("x", "y").ThenGarbage());
        var updates = new List<ChatResponseUpdate>();

        var ex = await Assert.ThrowsAsync<JsonException>(() => DrainAsync(client.GetStreamingResponseAsync(Hi, cancellationToken: Token), updates, Token));

        Assert.Equal("x|y", Texts(updates));
        Assert.Equal(LlmFailureKind.ServerError, LlmFailureClassifier.Classify(ex).Kind);
    }

    [Fact]
    public async Task ThenGarbage_GetResponse_ThrowsJsonException()
    {
        using var client = ScriptedChatClient.Always(Script.Answer("x").ThenGarbage());

        await Assert.ThrowsAsync<JsonException>(() => client.GetResponseAsync(Hi, cancellationToken: Token));
    }

    [Fact]
    public async Task ThenStall_Streaming_YieldsEveryTokenThenWaitsUntilCancelled()
    {
        var time = new FakeTimeProvider();
        using var client = ScriptedChatClient.Always(Script.Answer("a b").ThenStall(), time);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var updates = new List<ChatResponseUpdate>();

        var task = DrainAsync(client.GetStreamingResponseAsync(Hi, cancellationToken: cts.Token), updates, cts.Token);
        time.Advance(TimeSpan.FromHours(1));

        Assert.False(task.IsCompleted);
        lock (updates)
        {
            Assert.Equal("a| b", Texts(updates));
        }

        await cts.CancelAsync();
        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
        Assert.Equal(cts.Token, ex.CancellationToken);
        Assert.All(updates, u => Assert.Null(u.FinishReason));
    }

    [Fact]
    public async Task ThenStall_GetResponse_HangsUntilCancelled()
    {
        var time = new FakeTimeProvider();
        using var client = ScriptedChatClient.Always(Script.Answer("a b").ThenStall(), time);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Token);

        var task = client.GetResponseAsync(Hi, cancellationToken: cts.Token);
        time.Advance(TimeSpan.FromHours(1));
        Assert.False(task.IsCompleted);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
    }

    [Fact]
    public async Task WithoutFinish_Streaming_NoUpdateCarriesAFinishReasonOrUsage()
    {
        using var client = ScriptedChatClient.Always(Script.Answer("a b c", usage: new UsageDetails { TotalTokenCount = 9 }).WithoutFinish());

        var updates = await CollectAsync(client.GetStreamingResponseAsync(Hi, cancellationToken: Token));

        Assert.Equal("a| b| c", Texts(updates));
        Assert.Equal(3, updates.Count);
        Assert.All(updates, u => Assert.Null(u.FinishReason));
        Assert.DoesNotContain(updates.SelectMany(u => u.Contents), c => c is UsageContent);
    }

    [Fact]
    public async Task WithoutFinish_GetResponse_ReturnsTheTextWithNoFinishReasonOrUsage()
    {
        using var client = ScriptedChatClient.Always(Script.Answer("a b c", usage: new UsageDetails { TotalTokenCount = 9 }).WithoutFinish());

        var response = await client.GetResponseAsync(Hi, cancellationToken: Token);

        Assert.Equal("a b c", response.Text);
        Assert.Null(response.FinishReason);
        Assert.Null(response.Usage);
    }

    [Fact]
    public async Task WithFinishReason_BothModes_CarryIt()
    {
        using var client = ScriptedChatClient.Always(Script.Answer("cut short").ThenCut().WithFinishReason(ChatFinishReason.Length));

        var response = await client.GetResponseAsync(Hi, cancellationToken: Token);
        var updates = await CollectAsync(client.GetStreamingResponseAsync(Hi, cancellationToken: Token));

        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
        Assert.Equal(ChatFinishReason.Length, updates[^1].FinishReason);
    }

    [Fact]
    public async Task WithFirstTokenDelay_Streaming_FirstUpdateComesExactlyAfterTheDelay()
    {
        var time = new FakeTimeProvider();
        var start = time.GetUtcNow();
        using var client = ScriptedChatClient.Always(Script.Answer("a b").WithFirstTokenDelay(TimeSpan.FromSeconds(20)), time);
        await using var stream = client.GetStreamingResponseAsync(Hi, cancellationToken: Token).GetAsyncEnumerator(Token);

        var first = stream.MoveNextAsync().AsTask();
        time.Advance(TimeSpan.FromSeconds(20) - TimeSpan.FromTicks(1));
        Assert.False(first.IsCompleted);
        time.Advance(TimeSpan.FromTicks(1));

        Assert.True(await first);
        Assert.Equal("a", stream.Current.Text);
        Assert.Equal(start + TimeSpan.FromSeconds(20), stream.Current.CreatedAt);
        Assert.True(await stream.MoveNextAsync());
        Assert.Equal(start + TimeSpan.FromSeconds(20), stream.Current.CreatedAt);
    }

    [Fact]
    public async Task WithTokenDelay_Streaming_SpacesTheTokensButNotTheEnding()
    {
        var time = new FakeTimeProvider();
        var start = time.GetUtcNow();
        using var client = ScriptedChatClient.Always(Script.Answer("a b c").WithFirstTokenDelay(TimeSpan.FromSeconds(1)).WithTokenDelay(TimeSpan.FromSeconds(2)), time);
        var updates = new List<ChatResponseUpdate>();

        var task = DrainAsync(client.GetStreamingResponseAsync(Hi, cancellationToken: Token), updates, Token);
        for (var i = 0; i < 5 && !task.IsCompleted; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
        }

        await task;
        Assert.Equal(
            [start.AddSeconds(1), start.AddSeconds(3), start.AddSeconds(5), start.AddSeconds(5)],
            updates.Select(u => u.CreatedAt!.Value));
        Assert.Equal(ChatFinishReason.Stop, updates[^1].FinishReason);
    }

    [Fact]
    public async Task WithDelays_GetResponse_TakesAsLongAsTheWholeStream()
    {
        var time = new FakeTimeProvider();
        var start = time.GetUtcNow();
        using var client = ScriptedChatClient.Always(Script.Answer("a b c").WithFirstTokenDelay(TimeSpan.FromSeconds(1)).WithTokenDelay(TimeSpan.FromSeconds(2)), time);

        var task = client.GetResponseAsync(Hi, cancellationToken: Token);
        time.Advance(TimeSpan.FromSeconds(5) - TimeSpan.FromTicks(1));
        Assert.False(task.IsCompleted);
        time.Advance(TimeSpan.FromTicks(1));

        var response = await task;
        Assert.Equal("a b c", response.Text);
        Assert.Equal(start.AddSeconds(5), response.CreatedAt);
    }

    [Fact]
    public async Task WithTokenDelay_CancelledMidStream_ThrowsOperationCanceled()
    {
        var time = new FakeTimeProvider();
        using var client = ScriptedChatClient.Always(Script.Answer("a b c").WithTokenDelay(TimeSpan.FromSeconds(2)), time);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var updates = new List<ChatResponseUpdate>();

        var task = DrainAsync(client.GetStreamingResponseAsync(Hi, cancellationToken: cts.Token), updates, cts.Token);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
        Assert.Equal("a", Texts(updates));
    }

    [Fact]
    public async Task WithModelAndUsage_EveryUpdateHasTheModelAndTheFinalOneTheUsage()
    {
        using var client = ScriptedChatClient.Always(Script.Stream("a", "b").WithModel("m2").WithUsage(new UsageDetails { OutputTokenCount = 2 }));

        var updates = await CollectAsync(client.GetStreamingResponseAsync(Hi, new ChatOptions { ModelId = "asked" }, Token));
        var response = await client.GetResponseAsync(Hi, cancellationToken: Token);

        Assert.All(updates, u => Assert.Equal("m2", u.ModelId));
        Assert.Equal(2, updates.ToChatResponse().Usage!.OutputTokenCount);
        Assert.Equal("m2", response.ModelId);
        Assert.Equal(2, response.Usage!.OutputTokenCount);
    }

    [Fact]
    public async Task WithUsage_CallerChangesTheUsage_NextCallIsUnaffected()
    {
        var usage = new UsageDetails { OutputTokenCount = 2 };
        using var client = ScriptedChatClient.Always(Script.Answer("a").WithUsage(usage));

        var first = await client.GetResponseAsync(Hi, cancellationToken: Token);
        first.Usage!.OutputTokenCount = 1_000;
        usage.OutputTokenCount = 500;
        var second = await client.GetResponseAsync(Hi, cancellationToken: Token);

        Assert.Equal(2, second.Usage!.OutputTokenCount);
    }

    [Fact]
    public void FluentMethods_ReturnNewSteps_LeavingTheOriginalUnchanged()
    {
        var answer = Script.Answer("a b");

        var cut = answer.ThenCut();
        var stalled = answer.ThenStall();

        Assert.NotSame(answer, cut);
        Assert.NotSame(cut, stalled);
        Assert.Equal("a b", cut.Text);
        Assert.Equal(["a", " b"], answer.Tokens);
    }

    [Fact]
    public async Task FluentMethods_LastEndingWins()
    {
        using var client = ScriptedChatClient.Always(Script.Answer("a").ThenCut().ThenGarbage());

        await Assert.ThrowsAsync<JsonException>(() => CollectAsync(client.GetStreamingResponseAsync(Hi, cancellationToken: Token)));
    }

    [Fact]
    public void FluentMethods_InvalidArguments_Throw()
    {
        var answer = Script.Answer("a");

        Assert.Throws<ArgumentNullException>("modelId", () => answer.WithModel(null!));
        Assert.Throws<ArgumentNullException>("usage", () => answer.WithUsage(null!));
        Assert.Throws<ArgumentOutOfRangeException>("delay", () => answer.WithFirstTokenDelay(TimeSpan.FromSeconds(-1)));
        Assert.Throws<ArgumentOutOfRangeException>("delay", () => answer.WithTokenDelay(Timeout.InfiniteTimeSpan));
    }
}
