namespace LlmFallback.Tests.Caching;

/// <summary>Concurrent identical misses make one upstream call.</summary>
public sealed class LlmCachingChatClientStampedeTests
{
    private static CancellationToken Ct => CacheFixture.Ct;

    [Fact]
    public async Task GetResponseAsync_HundredConcurrentIdentical_OneUpstreamCall()
    {
        using var f = new CacheFixture();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        f.Upstream.Gate = release.Task;
        using var client = f.Client();

        var calls = Enumerable.Range(0, 100).Select(_ => Task.Run(() => client.GetResponseAsync("popular question", cancellationToken: Ct), Ct)).ToArray();
        await WaitUntil(() => f.Upstream.Calls >= 1);
        release.SetResult();
        var responses = await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.Equal(1, f.Upstream.Calls);
        Assert.All(responses, r => Assert.Equal("answer 1", r.Text));
        Assert.Equal(99, responses.Count(r => r.GetLlmCallInfo()?.CacheHit == true));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_HundredConcurrentIdentical_OneUpstreamCall()
    {
        using var f = new CacheFixture();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        f.Upstream.Gate = release.Task;
        using var client = f.Client();

        var calls = Enumerable.Range(0, 100).Select(_ => Task.Run(() => client.GetStreamingResponseAsync("popular question", cancellationToken: Ct).ToChatResponseAsync(Ct), Ct)).ToArray();
        await WaitUntil(() => f.Upstream.Calls >= 1);
        release.SetResult();
        var responses = await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.Equal(1, f.Upstream.Calls);
        Assert.All(responses, r => Assert.Equal("answer 1", r.Text));
    }

    [Fact]
    public async Task GetResponseAsync_LeaderFails_WaitersMakeTheirOwnCalls()
    {
        using var f = new CacheFixture();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        f.Upstream.Gate = release.Task;
        f.Upstream.Respond = n => n == 1 ? throw new HttpRequestException("leader failed") : CountingClient.Answer("answer " + n);
        using var client = f.Client();

        var leader = client.GetResponseAsync("q", cancellationToken: Ct);
        await WaitUntil(() => f.Upstream.Calls >= 1);
        var waiters = Enumerable.Range(0, 5).Select(_ => client.GetResponseAsync("q", cancellationToken: Ct)).ToArray();
        release.SetResult();

        await Assert.ThrowsAsync<HttpRequestException>(() => leader);
        var answers = await Task.WhenAll(waiters).WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.All(answers, a => Assert.StartsWith("answer ", a.Text, StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetResponseAsync_WaiterCancelled_LeaderStillAnswers()
    {
        using var f = new CacheFixture();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        f.Upstream.Gate = release.Task;
        using var client = f.Client();
        using var waiterCancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var leader = client.GetResponseAsync("q", cancellationToken: Ct);
        await WaitUntil(() => f.Upstream.Calls >= 1);
        var waiter = client.GetResponseAsync("q", cancellationToken: waiterCancel.Token);
        await waiterCancel.CancelAsync();
        release.SetResult();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiter);
        Assert.Equal("answer 1", (await leader).Text);
        Assert.Equal(1, f.Upstream.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_LeadersCallerCancels_OneWaiterLeadsAndTheOthersShareItsAnswer()
    {
        using var f = new CacheFixture();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        f.Upstream.Gate = release.Task;
        using var client = f.Client();
        using var leaderCancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var leader = client.GetResponseAsync("q", cancellationToken: leaderCancel.Token);
        await WaitUntil(() => f.Upstream.Calls >= 1);
        var waiters = Enumerable.Range(0, 5).Select(_ => client.GetResponseAsync("q", cancellationToken: Ct)).ToArray();
        await WaitUntil(() => client.Flights.Waiting == 5);
        await leaderCancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => leader);
        await WaitUntil(() => f.Upstream.Calls >= 2);
        release.SetResult();

        var answers = await Task.WhenAll(waiters).WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(2, f.Upstream.Calls);
        Assert.All(answers, a => Assert.Equal("answer 2", a.Text));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_LeaderStopsReading_OneWaiterLeadsAndTheOthersShareItsAnswer()
    {
        using var f = new CacheFixture();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        f.Upstream.Gate = release.Task;
        using var client = f.Client();

        var leader = client.GetStreamingResponseAsync("q", cancellationToken: Ct).GetAsyncEnumerator(Ct);
        var first = leader.MoveNextAsync();
        await WaitUntil(() => f.Upstream.Calls >= 1);
        var waiters = Enumerable.Range(0, 5).Select(_ => client.GetStreamingResponseAsync("q", cancellationToken: Ct).ToChatResponseAsync(Ct)).ToArray();
        await WaitUntil(() => client.Flights.Waiting == 5);
        release.SetResult();
        Assert.True(await first);
        await leader.DisposeAsync();

        var answers = await Task.WhenAll(waiters).WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(2, f.Upstream.Calls);
        Assert.All(answers, a => Assert.Equal("answer 2", a.Text));
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            await Task.Delay(1, timeout.Token);
        }
    }
}
