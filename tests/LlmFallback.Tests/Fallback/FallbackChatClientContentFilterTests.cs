using LlmFallback.Testing;

namespace LlmFallback.Tests.Fallback;

/// <summary>An answer stopped by the provider's content filter is a policy refusal, decided by OnContentPolicy.</summary>
public class FallbackChatClientContentFilterTests
{
    private static CancellationToken Ct => FallbackFixture.Ct;

    [Fact]
    public async Task GetResponseAsync_ContentFilterStopByDefault_ReturnsTheProvidersRefusal()
    {
        var f = new FallbackFixture();
        var backup = f.Always(Script.Answer("backup"));
        using var client = f.Client([f.Provider("a", f.Always(Script.Answer("[filtered]").WithFinishReason(ChatFinishReason.ContentFilter))), f.Provider("b", backup)]);

        var response = await client.GetResponseAsync("hi", cancellationToken: Ct);

        Assert.Equal(ChatFinishReason.ContentFilter, response.FinishReason);
        Assert.Equal("a", response.GetLlmCallInfo()!.Provider);
        Assert.Equal(0, backup.CallCount);
    }

    [Fact]
    public async Task GetResponseAsync_ContentFilterStopWithFailOver_NextProviderAnswers()
    {
        var f = new FallbackFixture();
        var filtering = f.Always(Script.Answer("[filtered]").WithFinishReason(ChatFinishReason.ContentFilter));
        using var client = f.Client(
            [f.Provider("a", filtering), f.Provider("b", f.Always(Script.Answer("backup")))],
            FallbackFixture.Options(o => o.OnContentPolicy = LlmFailureAction.FailOver));

        var response = await client.GetResponseAsync("hi", cancellationToken: Ct);

        Assert.Equal("backup", response.Text);
        var info = response.GetLlmCallInfo()!;
        Assert.Equal(LlmFailureKind.ContentPolicy, info.FallbackReason);
        Assert.Equal("content_filter", info.Attempts[0].Failure!.ErrorCode);
        Assert.Equal(1, filtering.CallCount);
        Assert.Equal(LlmCircuitState.Closed, client.Providers[0].GetHealth().State);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ContentFilterStopHeldBackWithFailOver_CallerSeesOnlyTheNextProvider()
    {
        var f = new FallbackFixture();
        using var client = f.Client(
            [f.Provider("a", f.Always(Script.Stream("filtered", " words").WithFinishReason(ChatFinishReason.ContentFilter))), f.Provider("b", f.Always(Script.Answer("backup answer")))],
            FallbackFixture.Options(o =>
            {
                o.OnContentPolicy = LlmFailureAction.FailOver;
                o.Streaming.HoldbackUntilComplete = true;
            }));

        List<ChatResponseUpdate> updates = [];
        await foreach (var u in client.GetStreamingResponseAsync("hi", cancellationToken: Ct))
        {
            updates.Add(u);
        }

        var response = updates.ToChatResponse();
        Assert.Equal("backup answer", response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal(LlmFailureKind.ContentPolicy, response.GetLlmCallInfo()!.FallbackReason);
    }

    [Fact]
    public async Task GetResponseAsync_ProviderReportsCancellation_FailsOverWithoutCountingAgainstItsBreaker()
    {
        var f = new FallbackFixture();
        var cancelling = f.Always(Script.Throw(() => new LlmProviderException(LlmFailureKind.Cancelled, "a", 499)));
        using var client = f.Client(
            [f.Provider("a", cancelling, o => o.Resilience.CircuitBreaker.ConsecutiveFailures = 1), f.Provider("b", f.Always(Script.Answer("backup")))]);

        var response = await client.GetResponseAsync("hi", cancellationToken: Ct);

        Assert.Equal("backup", response.Text);
        Assert.Equal(1, cancelling.CallCount); // not retried
        Assert.Equal(LlmCircuitState.Closed, client.Providers[0].GetHealth().State);
        Assert.Equal(0, client.Providers[0].GetHealth().ConsecutiveFailures);
    }

    [Fact]
    public async Task GetResponseAsync_AnswerCompletesAtOnce_NeverStartsTheAttemptDeadline()
    {
        var f = new FallbackFixture();
        using var client = f.Client([f.Provider("a", f.Always(Script.Answer("instant")))]);

        await client.GetResponseAsync("hi", cancellationToken: Ct);

        // The pooled attempt timer exists, but no deadline of the policy's 120 s was ever armed for the call.
        Assert.False(f.Time.TryTakeArmed(TimeSpan.FromSeconds(120)));
    }
}
