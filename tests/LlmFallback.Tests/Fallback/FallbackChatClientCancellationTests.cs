using System.Runtime.CompilerServices;
using LlmFallback.Testing;

namespace LlmFallback.Tests.Fallback;

/// <summary>Caller cancellation stops everything at once, with the caller's token, and is never a provider failure.</summary>
public sealed class FallbackChatClientCancellationTests
{
    private static CancellationToken Ct => FallbackFixture.Ct;

    /// <summary>A provider whose breaker opens on the first counted failure, so a cancellation that counted would show.</summary>
    private static LlmProvider Fragile(FallbackFixture f, string name, IChatClient client) =>
        f.Provider(name, client, o => (o.Resilience.CircuitBreaker.ConsecutiveFailures, o.Resilience.MaxRetries) = (1, 2));

    private static void AssertUntouched(LlmProvider provider)
    {
        var health = provider.GetHealth();
        Assert.Equal((LlmCircuitState.Closed, 0, (LlmFailureKind?)null), (health.State, health.ConsecutiveFailures, health.LastFailureKind));
    }

    [Fact]
    public async Task GetResponseAsync_CancelledDuringCall_ThrowsCallersTokenAtOnceWithoutFailOver()
    {
        var f = new FallbackFixture();
        var primary = f.Always(Script.Hang());
        var secondary = f.Always(Script.Answer("from b"));
        var a = Fragile(f, "a", primary);
        using var client = f.Client([a, f.Provider("b", secondary)]);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var task = client.GetResponseAsync("hi", cancellationToken: cts.Token);
        Assert.Equal(1, primary.CallCount);
        await cts.CancelAsync();
        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Poll.CompletesAsync(task));

        Assert.Equal(cts.Token, error.CancellationToken);
        Assert.Equal(TimeSpan.Zero, f.Elapsed);
        Assert.Equal((1, 0), (primary.CallCount, secondary.CallCount));
        AssertUntouched(a);
    }

    [Fact]
    public async Task GetResponseAsync_CancelledDuringCall_LogsNoWarning()
    {
        // A client that goes away (a closed browser tab) is routine: a warning per disconnect would bury real failures.
        var f = new FallbackFixture();
        var primary = f.Always(Script.Hang());
        using var client = f.Client([f.Provider("a", primary), f.Provider("b", f.Always(Script.Answer("from b")))]);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var task = client.GetResponseAsync("hi", cancellationToken: cts.Token);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Poll.CompletesAsync(task));

        var records = f.Logs.GetSnapshot();
        Assert.DoesNotContain(records, r => r.Level >= Microsoft.Extensions.Logging.LogLevel.Warning);
        var cancelled = Assert.Single(records, r => r.Id.Name == "AttemptCancelled");
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Debug, cancelled.Level);
        Assert.Equal("LLM attempt 1 on provider 'a' was cancelled by the caller.", cancelled.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetResponseAsync_CancelledDuringRetryDelay_StopsWithoutRetryOrFailOver(bool retryAfter)
    {
        var f = new FallbackFixture();
        var primary = f.Script(retryAfter ? Script.Status(429, retryAfter: TimeSpan.FromSeconds(5)) : Script.Status(503), Script.Answer("from a").Forever());
        var secondary = f.Always(Script.Answer("from b"));
        using var client = f.Client([f.Provider("a", primary, o => o.Resilience.MaxRetries = 2), f.Provider("b", secondary)], jitter: 0.5);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var task = client.GetResponseAsync("hi", cancellationToken: cts.Token);
        f.AdvanceMs(100);
        await cts.CancelAsync();
        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Poll.CompletesAsync(task));
        f.Advance(TimeSpan.FromSeconds(10));
        await Poll.SettleAsync();

        Assert.Equal(cts.Token, error.CancellationToken);
        Assert.Equal((1, 0), (primary.CallCount, secondary.CallCount));
    }

    [Fact]
    public async Task GetResponseAsync_AlreadyCancelled_ThrowsWithoutCallingAnyProvider()
    {
        var f = new FallbackFixture();
        var primary = f.Always(Script.Answer("from a"));
        using var client = f.Client([f.Provider("a", primary)]);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetResponseAsync("hi", cancellationToken: cts.Token));

        Assert.Equal(cts.Token, error.CancellationToken);
        Assert.Equal(0, primary.CallCount);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_AlreadyCancelled_ThrowsWithoutCallingAnyProvider()
    {
        var f = new FallbackFixture();
        var primary = f.Always(Script.Answer("from a"));
        using var client = f.Client([f.Provider("a", primary)]);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        var result = await StreamResult.DrainAsync(client.GetStreamingResponseAsync("hi", cancellationToken: cts.Token));

        Assert.Equal(cts.Token, Assert.IsAssignableFrom<OperationCanceledException>(result.Error).CancellationToken);
        Assert.Equal(0, primary.CallCount);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_CancelledBeforeFirstUpdate_ThrowsCallersTokenWithoutFailOver()
    {
        var f = new FallbackFixture();
        var primary = f.Always(Script.Hang());
        var secondary = f.Always(Script.Answer("from b"));
        var a = Fragile(f, "a", primary);
        using var client = f.Client([a, f.Provider("b", secondary)]);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var drain = StreamResult.DrainAsync(client.GetStreamingResponseAsync("hi", cancellationToken: cts.Token));
        await Poll.UntilAsync(() => primary.CallCount == 1);
        await cts.CancelAsync();
        var result = await Poll.CompletesAsync(drain);

        Assert.Equal(cts.Token, Assert.IsAssignableFrom<OperationCanceledException>(result.Error).CancellationToken);
        Assert.Equal(0, secondary.CallCount);
        AssertUntouched(a);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_CancelledMidStream_ThrowsCallersTokenDisposesStreamAndNeverFailsOver()
    {
        var f = new FallbackFixture();
        var disposed = false;
        var primary = new TestChatClient { OnGetStreamingResponse = (_, _, ct) => OneThenHang(ct, () => disposed = true) };
        var secondary = f.Always(Script.Answer("from b"));
        var a = Fragile(f, "a", primary);
        using var client = f.Client([a, f.Provider("b", secondary, o => o.Capabilities.PrefillContinuation = true)]);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        // No second token on the enumerator: that would make the compiler link the two, and the caller would see the linked one.
#pragma warning disable xUnit1051
        await using var e = client.GetStreamingResponseAsync("hi", cancellationToken: cts.Token).GetAsyncEnumerator();
#pragma warning restore xUnit1051
        Assert.True(await e.MoveNextAsync());
        Assert.Equal("Hello", e.Current.Text);
        await cts.CancelAsync();
        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await e.MoveNextAsync());

        Assert.Equal(cts.Token, error.CancellationToken);
        Assert.True(disposed);
        Assert.Equal(0, secondary.CallCount);
        AssertUntouched(a);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_CancelledDuringRetryDelay_StopsWithoutRetry()
    {
        var f = new FallbackFixture();
        var primary = f.Script(Script.Status(503), Script.Answer("from a").Forever());
        var secondary = f.Always(Script.Answer("from b"));
        using var client = f.Client([f.Provider("a", primary), f.Provider("b", secondary)], jitter: 0.5);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var drain = StreamResult.DrainAsync(client.GetStreamingResponseAsync("hi", cancellationToken: cts.Token));
        await f.AttemptsFailedAsync(1);
        await cts.CancelAsync();
        var result = await Poll.CompletesAsync(drain);
        f.Advance(TimeSpan.FromSeconds(5));
        await Poll.SettleAsync();

        Assert.Equal(cts.Token, Assert.IsAssignableFrom<OperationCanceledException>(result.Error).CancellationToken);
        Assert.Equal((1, 0), (primary.CallCount, secondary.CallCount));
    }

    [Fact]
    public async Task GetResponseAsync_CancelledHalfOpenProbe_ReleasesProbeForNextRequest()
    {
        var f = new FallbackFixture();
        var primary = f.Script(Script.Status(500), Script.Hang(), Script.Answer("recovered").Forever());
        var secondary = f.Always(Script.Answer("from b"));
        var a = f.Provider("a", primary, o => (o.Resilience.CircuitBreaker.ConsecutiveFailures, o.Resilience.MaxRetries) = (1, 0));
        using var client = f.Client([a, f.Provider("b", secondary)]);
        await client.GetResponseAsync("open it", cancellationToken: Ct);
        f.Advance(TimeSpan.FromSeconds(15));
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var probe = client.GetResponseAsync("probe", cancellationToken: cts.Token);
        Assert.Equal(LlmCircuitState.HalfOpen, a.GetHealth().State);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Poll.CompletesAsync(probe));
        var next = await client.GetResponseAsync("next", cancellationToken: Ct);

        Assert.Equal("recovered", next.Text);
        Assert.Equal(LlmCircuitState.Closed, a.GetHealth().State);
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> OneThenHang([EnumeratorCancellation] CancellationToken cancellationToken, Action onDispose)
    {
        try
        {
            await Task.Yield();
            yield return new ChatResponseUpdate(ChatRole.Assistant, "Hello") { MessageId = "m1" };
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
        }
        finally
        {
            onDispose();
        }
    }
}
