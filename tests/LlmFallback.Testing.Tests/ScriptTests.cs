using System.Net.Http;
using static LlmFallback.Testing.Tests.TestStreams;

namespace LlmFallback.Testing.Tests;

public class ScriptTests
{
    [Fact]
    public async Task Answer_GetResponse_ReturnsTextModelUsageAndStop()
    {
        var usage = new UsageDetails { InputTokenCount = 3, OutputTokenCount = 5, TotalTokenCount = 8 };
        using var client = ScriptedChatClient.Always(Script.Answer("hello world", "m1", usage));

        var response = await client.GetResponseAsync(Hi, cancellationToken: Token);

        Assert.Equal("hello world", response.Text);
        Assert.Equal("m1", response.ModelId);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal(ChatRole.Assistant, response.Messages.Single().Role);
        Assert.Equal(8, response.Usage!.TotalTokenCount);
        Assert.Equal(3, response.Usage.InputTokenCount);
        Assert.NotSame(usage, response.Usage);
    }

    [Fact]
    public async Task Answer_NoModel_EchoesRequestedModel()
    {
        using var client = ScriptedChatClient.Always(Script.Answer("hi"));

        var response = await client.GetResponseAsync(Hi, new ChatOptions { ModelId = "asked-for" }, Token);
        var updates = await CollectAsync(client.GetStreamingResponseAsync(Hi, new ChatOptions { ModelId = "asked-for" }, Token));

        Assert.Equal("asked-for", response.ModelId);
        Assert.All(updates, u => Assert.Equal("asked-for", u.ModelId));
    }

    [Fact]
    public async Task Answer_Streaming_YieldsOneUpdatePerWordThenFinishWithUsage()
    {
        var usage = new UsageDetails { InputTokenCount = 2, OutputTokenCount = 3 };
        using var client = ScriptedChatClient.Always(Script.Answer("a b  c", "m1", usage));

        var updates = await CollectAsync(client.GetStreamingResponseAsync(Hi, cancellationToken: Token));

        Assert.Equal(["a", " b", "  c", ""], updates.Select(u => u.Text));
        Assert.All(updates[..3], u => Assert.Null(u.FinishReason));
        Assert.Equal(ChatFinishReason.Stop, updates[^1].FinishReason);
        Assert.Equal(3, Assert.IsType<UsageContent>(Assert.Single(updates[^1].Contents)).Details.OutputTokenCount);
        var response = updates.ToChatResponse();
        Assert.Equal("a b  c", response.Text);
        Assert.Equal("m1", response.ModelId);
        Assert.Equal(2, response.Usage!.InputTokenCount);
        Assert.Single(response.Messages);
    }

    [Fact]
    public async Task Answer_EmptyText_StreamsOnlyTheFinish()
    {
        using var client = ScriptedChatClient.Always(Script.Answer(string.Empty));

        var updates = await CollectAsync(client.GetStreamingResponseAsync(Hi, cancellationToken: Token));

        Assert.Equal(ChatFinishReason.Stop, Assert.Single(updates).FinishReason);
    }

    [Fact]
    public async Task Stream_ExplicitTokens_StreamsEachAndConcatenatesWhenNotStreaming()
    {
        using var client = ScriptedChatClient.Always(Script.Stream("Hel", "lo", " there"));

        var updates = await CollectAsync(client.GetStreamingResponseAsync(Hi, cancellationToken: Token));
        var response = await client.GetResponseAsync(Hi, cancellationToken: Token);

        Assert.Equal("Hel|lo| there", Texts(updates));
        Assert.Equal(ChatFinishReason.Stop, updates[^1].FinishReason);
        Assert.Equal("Hello there", response.Text);
    }

    [Theory]
    [InlineData(429, LlmFailureKind.RateLimited)]
    [InlineData(500, LlmFailureKind.ServerError)]
    [InlineData(503, LlmFailureKind.ServerError)]
    [InlineData(504, LlmFailureKind.Timeout)]
    [InlineData(400, LlmFailureKind.BadRequest)]
    [InlineData(401, LlmFailureKind.Authentication)]
    [InlineData(404, LlmFailureKind.ModelNotFound)]
    [InlineData(413, LlmFailureKind.ContextLengthExceeded)]
    public async Task Status_GetResponse_ThrowsProviderExceptionAsAnAdapterWould(int status, LlmFailureKind kind)
    {
        using var client = ScriptedChatClient.Always(Script.Status(status, retryAfter: TimeSpan.FromSeconds(2)));

        var ex = await Assert.ThrowsAsync<LlmProviderException>(() => client.GetResponseAsync(Hi, cancellationToken: Token));

        Assert.Equal(LlmFailureClassifier.KindFromStatus(status), ex.Kind);
        Assert.Equal(kind, ex.Kind);
        Assert.Equal(status, ex.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(2), ex.RetryAfter);
        var classified = LlmFailureClassifier.Classify(ex);
        Assert.Equal((kind, status, TimeSpan.FromSeconds(2)), (classified.Kind, classified.StatusCode, classified.RetryAfter));
    }

    [Fact]
    public async Task Status_WithoutRetryAfter_HasNone()
    {
        using var client = ScriptedChatClient.Always(Script.Status(503));

        var ex = await Assert.ThrowsAsync<LlmProviderException>(() => client.GetResponseAsync(Hi, cancellationToken: Token));

        Assert.Null(ex.RetryAfter);
        Assert.Null(ex.ErrorCode);
    }

    [Theory]
    [InlineData(429, "insufficient_quota", LlmFailureKind.Authentication)]
    [InlineData(400, "context_length_exceeded", LlmFailureKind.ContextLengthExceeded)]
    [InlineData(529, "overloaded_error", LlmFailureKind.ServerError)]
    public async Task Status_WithErrorCode_ClassifiedAsTheSharedRulesDo(int status, string errorCode, LlmFailureKind kind)
    {
        using var client = ScriptedChatClient.Always(Script.Status(status, errorCode: errorCode));

        var ex = await Assert.ThrowsAsync<LlmProviderException>(() => client.GetResponseAsync(Hi, cancellationToken: Token));

        Assert.Equal(kind, ex.Kind);
        Assert.Equal(errorCode, ex.ErrorCode);
    }

    [Fact]
    public async Task Status_Streaming_ThrowsBeforeTheFirstUpdate()
    {
        using var client = ScriptedChatClient.Always(Script.Status(429, retryAfter: TimeSpan.FromSeconds(7)));
        var updates = new List<ChatResponseUpdate>();

        var ex = await Assert.ThrowsAsync<LlmProviderException>(() => DrainAsync(client.GetStreamingResponseAsync(Hi, cancellationToken: Token), updates, Token));

        Assert.Empty(updates);
        Assert.Equal(LlmFailureKind.RateLimited, ex.Kind);
        Assert.Equal(TimeSpan.FromSeconds(7), ex.RetryAfter);
    }

    [Theory]
    [InlineData(200)]
    [InlineData(399)]
    [InlineData(600)]
    public void Status_NotAnErrorStatus_Throws(int status) =>
        Assert.Throws<ArgumentOutOfRangeException>("statusCode", () => Script.Status(status));

    [Fact]
    public void Status_NegativeRetryAfter_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>("retryAfter", () => Script.Status(429, TimeSpan.FromSeconds(-1)));

    [Fact]
    public async Task Throw_Instance_ThrowsItInBothModes()
    {
        var error = new HttpRequestException(HttpRequestError.ConnectionError, "refused");
        using var client = ScriptedChatClient.Always(Script.Throw(error));

        var plain = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetResponseAsync(Hi, cancellationToken: Token));
        var streamed = await Assert.ThrowsAsync<HttpRequestException>(() => CollectAsync(client.GetStreamingResponseAsync(Hi, cancellationToken: Token)));

        Assert.Same(error, plain);
        Assert.Same(error, streamed);
    }

    [Fact]
    public async Task Throw_Factory_ThrowsANewExceptionEachCall()
    {
        var made = 0;
        using var client = ScriptedChatClient.Always(Script.Throw(() => new TimeoutException($"#{++made}")));

        var first = await Assert.ThrowsAsync<TimeoutException>(() => client.GetResponseAsync(Hi, cancellationToken: Token));
        var second = await Assert.ThrowsAsync<TimeoutException>(() => CollectAsync(client.GetStreamingResponseAsync(Hi, cancellationToken: Token)));

        Assert.Equal("#1", first.Message);
        Assert.Equal("#2", second.Message);
    }

    [Fact]
    public async Task Hang_GetResponse_EndsOnlyWhenCancelled()
    {
        var time = new FakeTimeProvider();
        using var client = ScriptedChatClient.Always(Script.Hang(), time);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Token);

        var task = client.GetResponseAsync(Hi, cancellationToken: cts.Token);
        time.Advance(TimeSpan.FromDays(1));
        Assert.False(task.IsCompleted);
        await cts.CancelAsync();

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
        Assert.Equal(cts.Token, ex.CancellationToken);
    }

    [Fact]
    public async Task Hang_Streaming_FirstUpdateNeverComesUntilCancelled()
    {
        var time = new FakeTimeProvider();
        using var client = ScriptedChatClient.Always(Script.Hang(), time);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var updates = new List<ChatResponseUpdate>();

        var task = DrainAsync(client.GetStreamingResponseAsync(Hi, cancellationToken: cts.Token), updates, cts.Token);
        time.Advance(TimeSpan.FromDays(1));
        Assert.False(task.IsCompleted);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
        Assert.Empty(updates);
    }

    [Fact]
    public async Task Flap_GetResponse_SwitchesPhaseExactlyAtEachBoundary()
    {
        var time = new FakeTimeProvider();
        using var client = ScriptedChatClient.Always(Script.Flap(Script.Status(503), TimeSpan.FromSeconds(10), Script.Answer("up"), TimeSpan.FromSeconds(20)), time);
        var start = time.GetUtcNow();

        // Offsets from the client's creation; each phase starts exactly at its boundary.
        (double Seconds, bool Up)[] expected = [(0, false), (9.9999999, false), (10, true), (29.9999999, true), (30, false), (40, true), (60, false)];
        foreach (var (seconds, up) in expected)
        {
            time.SetUtcNow(start + TimeSpan.FromTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond)));
            var task = client.GetResponseAsync(Hi, cancellationToken: Token);
            if (up)
            {
                Assert.Equal("up", (await task).Text);
            }
            else
            {
                Assert.Equal(503, (await Assert.ThrowsAsync<LlmProviderException>(() => task)).StatusCode);
            }
        }
    }

    [Fact]
    public async Task Flap_Streaming_FollowsTheSameSchedule()
    {
        var time = new FakeTimeProvider();
        using var client = ScriptedChatClient.Always(Script.Flap(Script.Answer("a b").ThenCut(), TimeSpan.FromSeconds(5), Script.Answer("a b"), TimeSpan.FromSeconds(5)), time);

        await Assert.ThrowsAsync<HttpIOException>(() => CollectAsync(client.GetStreamingResponseAsync(Hi, cancellationToken: Token)));
        time.Advance(TimeSpan.FromSeconds(5));
        var healthy = await CollectAsync(client.GetStreamingResponseAsync(Hi, cancellationToken: Token));
        time.Advance(TimeSpan.FromSeconds(5));
        await Assert.ThrowsAsync<HttpIOException>(() => CollectAsync(client.GetStreamingResponseAsync(Hi, cancellationToken: Token)));

        Assert.Equal(ChatFinishReason.Stop, healthy[^1].FinishReason);
    }

    [Fact]
    public async Task Flap_ScheduleStartsWhenTheClientIsCreated()
    {
        var time = new FakeTimeProvider();
        var flap = Script.Flap(Script.Status(503), TimeSpan.FromSeconds(10), Script.Answer("up"), TimeSpan.FromSeconds(10));
        using var early = ScriptedChatClient.Always(flap, time);
        time.Advance(TimeSpan.FromSeconds(10));
        using var late = ScriptedChatClient.Always(flap, time);

        Assert.Equal("up", (await early.GetResponseAsync(Hi, cancellationToken: Token)).Text);
        await Assert.ThrowsAsync<LlmProviderException>(() => late.GetResponseAsync(Hi, cancellationToken: Token));
    }

    [Fact]
    public void Flap_NonPositivePeriod_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>("downFor", () => Script.Flap(Script.Hang(), TimeSpan.Zero, Script.Answer("x"), TimeSpan.FromSeconds(1)));
        Assert.Throws<ArgumentOutOfRangeException>("upFor", () => Script.Flap(Script.Hang(), TimeSpan.FromSeconds(1), Script.Answer("x"), Timeout.InfiniteTimeSpan));
    }

    [Fact]
    public async Task Random_SameSeed_ReplaysTheSameOutcomes()
    {
        var first = await OutcomesAsync(seed: 42, calls: 200);
        var again = await OutcomesAsync(seed: 42, calls: 200);
        var other = await OutcomesAsync(seed: 43, calls: 200);

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.Contains("ok", first);
        Assert.Contains("503", first);
        Assert.Contains("429", first);
    }

    [Fact]
    public async Task Random_Weights_SetTheProportions()
    {
        var outcomes = await OutcomesAsync(seed: 7, calls: 10_000);

        // Weights 6 : 3 : 1; a fixed seed makes the counts fixed, the bounds only say they are plausible.
        Assert.InRange(outcomes.Count(o => o == "ok"), 5_800, 6_200);
        Assert.InRange(outcomes.Count(o => o == "503"), 2_800, 3_200);
        Assert.InRange(outcomes.Count(o => o == "429"), 900, 1_100);
    }

    [Fact]
    public async Task Random_ZeroWeight_IsNeverPicked()
    {
        using var client = ScriptedChatClient.Always(Script.Random(1, (0, Script.Status(500)), (1, Script.Answer("ok")), (0, Script.Status(503))));

        for (var i = 0; i < 500; i++)
        {
            Assert.Equal("ok", (await client.GetResponseAsync(Hi, cancellationToken: Token)).Text);
        }
    }

    [Fact]
    public async Task Random_Streaming_PicksPerCallLikeNonStreaming()
    {
        var random = Script.Random(5, (1, Script.Answer("ok")), (1, Script.Status(503)));
        using var plain = ScriptedChatClient.Always(random);
        using var streamed = ScriptedChatClient.Always(random);

        for (var i = 0; i < 50; i++)
        {
            var a = await Outcome(() => plain.GetResponseAsync(Hi, cancellationToken: Token));
            var b = await Outcome(async () => (await CollectAsync(streamed.GetStreamingResponseAsync(Hi, cancellationToken: Token))).ToChatResponse());
            Assert.Equal(a, b);
        }
    }

    [Fact]
    public void Random_InvalidChoices_Throw()
    {
        Assert.Throws<ArgumentNullException>("choices", () => Script.Random(1, null!));
        Assert.Throws<ArgumentException>("choices", () => Script.Random(1));
        Assert.Throws<ArgumentException>("choices", () => Script.Random(1, (-1, Script.Hang())));
        Assert.Throws<ArgumentException>("choices", () => Script.Random(1, (double.NaN, Script.Hang())));
        Assert.Throws<ArgumentException>("choices", () => Script.Random(1, (0, Script.Hang())));
        Assert.Throws<ArgumentNullException>("choices", () => Script.Random(1, (1, null!)));
    }

    [Fact]
    public void Factories_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>("text", () => Script.Answer(null!));
        Assert.Throws<ArgumentNullException>("tokens", () => Script.Stream(null!));
        Assert.Throws<ArgumentNullException>("tokens", () => Script.Stream("a", null!));
        Assert.Throws<ArgumentNullException>("exception", () => Script.Throw((Exception)null!));
        Assert.Throws<ArgumentNullException>("exceptionFactory", () => Script.Throw((Func<Exception>)null!));
        Assert.Throws<ArgumentNullException>("down", () => Script.Flap(null!, TimeSpan.FromSeconds(1), Script.Hang(), TimeSpan.FromSeconds(1)));
        Assert.Throws<ArgumentNullException>("up", () => Script.Flap(Script.Hang(), TimeSpan.FromSeconds(1), null!, TimeSpan.FromSeconds(1)));
    }

    private static async Task<List<string>> OutcomesAsync(int seed, int calls)
    {
        using var client = ScriptedChatClient.Always(Script.Random(seed, (6, Script.Answer("ok")), (3, Script.Status(503)), (1, Script.Status(429))));
        var outcomes = new List<string>(calls);
        for (var i = 0; i < calls; i++)
        {
            outcomes.Add(await Outcome(() => client.GetResponseAsync(Hi, cancellationToken: Token)));
        }

        return outcomes;
    }

    private static async Task<string> Outcome(Func<Task<ChatResponse>> call)
    {
        try
        {
            return (await call()).Text;
        }
        catch (LlmProviderException ex)
        {
            return ex.StatusCode!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
