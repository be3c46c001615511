using System.Net.Http;
using System.Net.Sockets;
using LlmFallback.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LlmFallback.Tests.Fallback;

/// <summary>Rate limits, server errors and transport failures: retries per policy, Retry-After, cool-downs, then the next provider.</summary>
public sealed class FallbackChatClientRetryTests
{
    private static CancellationToken Ct => FallbackFixture.Ct;

    public static TheoryData<string> TransientFaults => ["429", "500", "502", "503", "transport"];

    private static ScriptStep Transient(string fault) => fault switch
    {
        "transport" => Script.Throw(() => new HttpRequestException("Connection refused", new SocketException((int)SocketError.ConnectionRefused))),
        _ => Script.Status(int.Parse(fault, System.Globalization.CultureInfo.InvariantCulture)),
    };

    [Theory]
    [MemberData(nameof(TransientFaults))]
    public async Task GetResponseAsync_TransientFaultEveryTime_RetriesMaxRetriesThenFailsOver(string fault)
    {
        var f = new FallbackFixture();
        var primary = f.Always(Transient(fault));
        var secondary = f.Always(Script.Answer("from b"));
        using var client = f.Client([f.Provider("a", primary, o => o.Resilience.MaxRetries = 2), f.Provider("b", secondary)], jitter: 0);

        var response = await client.GetResponseAsync("hi", cancellationToken: Ct);

        Assert.Equal("from b", response.Text);
        Assert.Equal(3, primary.CallCount);
        Assert.Equal(1, secondary.CallCount);
        var info = response.GetLlmCallInfo()!;
        Assert.Equal(4, info.AttemptCount);
        Assert.Equal(
            [LlmAttemptDecision.Retried, LlmAttemptDecision.Retried, LlmAttemptDecision.FailedOver, LlmAttemptDecision.Answered],
            info.Attempts.Select(a => a.Decision));
        Assert.Equal(["a", "a", "a", "b"], info.Attempts.Select(a => a.Provider));
    }

    [Theory]
    [MemberData(nameof(TransientFaults))]
    public async Task GetStreamingResponseAsync_TransientFaultBeforeFirstUpdate_RetriesThenFailsOver(string fault)
    {
        var f = new FallbackFixture();
        var primary = f.Always(Transient(fault));
        var secondary = f.Always(Script.Answer("from b"));
        using var client = f.Client([f.Provider("a", primary, o => o.Resilience.MaxRetries = 1), f.Provider("b", secondary)], jitter: 0);

        var result = await StreamResult.DrainAsync(client.GetStreamingResponseAsync("hi", cancellationToken: Ct));

        Assert.Null(result.Error);
        Assert.Equal("from b", result.ToResponse().Text);
        Assert.Equal(2, primary.CallCount);
        Assert.Equal(1, secondary.CallCount);
        Assert.Equal(3, result.ToResponse().GetLlmCallInfo()!.AttemptCount);
    }

    [Theory]
    [InlineData(0.5, 500, 1000)]
    [InlineData(0.25, 250, 500)]
    [InlineData(0.999, 999, 1998)]
    public async Task GetResponseAsync_ServerErrorsThenSuccess_WaitsExactJitteredExponentialBackoff(double jitter, int firstMs, int secondMs)
    {
        var f = new FallbackFixture();
        var primary = f.Script(Script.Status(500), Script.Status(503), Script.Answer("ok"));
        var secondary = f.Always(Script.Answer("from b"));
        using var client = f.Client([f.Provider("a", primary), f.Provider("b", secondary)], jitter: jitter);

        var task = client.GetResponseAsync("hi", cancellationToken: Ct);
        Assert.Equal(1, primary.CallCount);
        await f.ExpectCallAfterAsync(primary, TimeSpan.FromMilliseconds(firstMs));
        await f.ExpectCallAfterAsync(primary, TimeSpan.FromMilliseconds(secondMs));
        var response = await Poll.CompletesAsync(task);

        Assert.Equal("ok", response.Text);
        Assert.Equal(0, secondary.CallCount);
        Assert.Equal([TimeSpan.Zero, TimeSpan.FromMilliseconds(firstMs), TimeSpan.FromMilliseconds(firstMs + secondMs)], f.CallTimes(primary));
    }

    [Fact]
    public async Task GetResponseAsync_BackoffGrowsPastMaxDelay_IsCappedAtMaxDelay()
    {
        var f = new FallbackFixture();
        var primary = f.Script(Script.Status(503).Times(4), Script.Answer("ok"));
        using var client = f.Client(
            [f.Provider("a", primary, o => (o.Resilience.MaxRetries, o.Resilience.BaseDelay, o.Resilience.MaxDelay) = (4, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3)))],
            jitter: 0.5);

        var task = client.GetResponseAsync("hi", cancellationToken: Ct);
        await f.ExpectCallAfterAsync(primary, TimeSpan.FromMilliseconds(500));  // 1 s × 0.5
        await f.ExpectCallAfterAsync(primary, TimeSpan.FromMilliseconds(1000)); // 2 s × 0.5
        await f.ExpectCallAfterAsync(primary, TimeSpan.FromMilliseconds(1500)); // min(4 s, 3 s) × 0.5
        await f.ExpectCallAfterAsync(primary, TimeSpan.FromMilliseconds(1500)); // min(8 s, 3 s) × 0.5

        Assert.Equal("ok", (await Poll.CompletesAsync(task)).Text);
    }

    [Fact]
    public async Task GetResponseAsync_RetryAfterWithinMax_WaitsExactlyRetryAfterWithoutJitter()
    {
        var f = new FallbackFixture();
        var primary = f.Script(Script.Status(429, retryAfter: TimeSpan.FromSeconds(2)), Script.Answer("ok"));
        var secondary = f.Always(Script.Answer("from b"));
        using var client = f.Client([f.Provider("a", primary), f.Provider("b", secondary)], jitter: 0.5);

        var task = client.GetResponseAsync("hi", cancellationToken: Ct);
        await f.ExpectCallAfterAsync(primary, TimeSpan.FromSeconds(2));
        var response = await Poll.CompletesAsync(task);

        Assert.Equal("ok", response.Text);
        Assert.Equal(0, secondary.CallCount);
        var first = response.GetLlmCallInfo()!.Attempts[0];
        Assert.Equal((LlmFailureKind.RateLimited, 429, LlmAttemptDecision.Retried), (first.Kind!.Value, first.StatusCode!.Value, first.Decision));
        Assert.Equal(TimeSpan.FromSeconds(2), first.Failure!.RetryAfter);
    }

    [Fact]
    public async Task GetResponseAsync_RetryAfterWithinMax_ConcurrentRequestSkipsProviderWhileItWaits()
    {
        var f = new FallbackFixture();
        var primary = f.Script(Script.Status(429, retryAfter: TimeSpan.FromSeconds(2)), Script.Answer("a again").Forever());
        var secondary = f.Always(Script.Answer("from b"));
        using var client = f.Client([f.Provider("a", primary), f.Provider("b", secondary)]);

        var waiting = client.GetResponseAsync("first", cancellationToken: Ct);
        var concurrent = await client.GetResponseAsync("second", cancellationToken: Ct);

        Assert.Equal("from b", concurrent.Text);
        Assert.Equal(1, primary.CallCount);
        var skipped = concurrent.GetLlmCallInfo()!.Attempts[0];
        Assert.Equal(("a", LlmAttemptDecision.Skipped, LlmFailureKind.Unavailable, "cooling_down"), (skipped.Provider, skipped.Decision, skipped.Kind!.Value, skipped.Failure!.ErrorCode));

        f.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal("a again", (await Poll.CompletesAsync(waiting)).Text);
    }

    [Fact]
    public async Task GetResponseAsync_EachAttemptReturnsItsOwnRetryAfter_WaitsEachOneInTurn()
    {
        var f = new FallbackFixture();
        var primary = f.Script(
            Script.Status(429, retryAfter: TimeSpan.FromSeconds(1)),
            Script.Status(429, retryAfter: TimeSpan.FromSeconds(3)),
            Script.Answer("ok"));
        using var client = f.Client([f.Provider("a", primary)]);

        var task = client.GetResponseAsync("hi", cancellationToken: Ct);
        await f.ExpectCallAfterAsync(primary, TimeSpan.FromSeconds(1));
        await f.ExpectCallAfterAsync(primary, TimeSpan.FromSeconds(3));

        Assert.Equal("ok", (await Poll.CompletesAsync(task)).Text);
        Assert.Equal([TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(4)], f.CallTimes(primary));
    }

    [Fact]
    public async Task GetResponseAsync_RetryAfterLongerThanMax_FailsOverAtOnceAndCoolsDownForThatLong()
    {
        var f = new FallbackFixture();
        var primary = f.Script(Script.Status(429, retryAfter: TimeSpan.FromSeconds(30)), Script.Answer("from a").Forever());
        var secondary = f.Always(Script.Answer("from b"));
        var a = f.Provider("a", primary, o => o.Resilience.MaxRetryAfter = TimeSpan.FromSeconds(10));
        using var client = f.Client([a, f.Provider("b", secondary)]);

        // No fake time passes: the fail-over does not sleep.
        var first = await client.GetResponseAsync("one", cancellationToken: Ct);
        Assert.Equal("from b", first.Text);
        Assert.Equal(1, primary.CallCount);
        Assert.Equal([TimeSpan.Zero], f.CallTimes(secondary));
        Assert.Equal(LlmAttemptDecision.FailedOver, first.GetLlmCallInfo()!.Attempts[0].Decision);
        Assert.Equal(LlmFailureKind.RateLimited, first.GetLlmCallInfo()!.FallbackReason);

        var health = a.GetHealth();
        Assert.True(health.IsCoolingDown);
        Assert.Equal(LlmCircuitState.Closed, health.State);
        Assert.Equal(f.Start + TimeSpan.FromSeconds(30), health.AvailableAt);

        // One millisecond before the cool-down ends the provider is still skipped.
        f.Advance(TimeSpan.FromSeconds(30) - TimeSpan.FromMilliseconds(1));
        var during = await client.GetResponseAsync("two", cancellationToken: Ct);
        Assert.Equal("from b", during.Text);
        Assert.Equal(1, primary.CallCount);
        Assert.Equal(LlmAttemptDecision.Skipped, during.GetLlmCallInfo()!.Attempts[0].Decision);

        f.AdvanceMs(1);
        var after = await client.GetResponseAsync("three", cancellationToken: Ct);
        Assert.Equal("from a", after.Text);
        Assert.Equal(2, primary.CallCount);
        Assert.True(a.GetHealth().IsAvailable);
    }

    [Fact]
    public async Task GetResponseAsync_RetryAfterWithNoRetriesLeft_FailsOverAndStillCoolsDown()
    {
        var f = new FallbackFixture();
        var primary = f.Script(Script.Status(429, retryAfter: TimeSpan.FromSeconds(5)), Script.Answer("from a").Forever());
        var secondary = f.Always(Script.Answer("from b"));
        using var client = f.Client([f.Provider("a", primary, o => o.Resilience.MaxRetries = 0), f.Provider("b", secondary)]);

        Assert.Equal("from b", (await client.GetResponseAsync("one", cancellationToken: Ct)).Text);
        f.AdvanceMs(4999);
        Assert.Equal("from b", (await client.GetResponseAsync("two", cancellationToken: Ct)).Text);
        f.AdvanceMs(1);
        Assert.Equal("from a", (await client.GetResponseAsync("three", cancellationToken: Ct)).Text);
        Assert.Equal(2, primary.CallCount);
    }

    [Fact]
    public async Task GetResponseAsync_ProvidersShareUpstream_RetryAfterCoolsDownEveryOneOfThem()
    {
        var f = new FallbackFixture();
        var east = f.Script(Script.Status(429, retryAfter: TimeSpan.FromSeconds(30)), Script.Answer("from east").Forever());
        var west = f.Always(Script.Answer("from west"));
        var other = f.Always(Script.Answer("from other"));
        var eastProvider = f.Provider("east", east, o => o.Upstream = "account-1");
        var westProvider = f.Provider("west", west, o => o.Upstream = "account-1");
        using var client = f.Client([eastProvider, westProvider, f.Provider("other", other)]);
        using var westFirst = f.Client([westProvider, f.Provider("other2", other)]);

        var response = await client.GetResponseAsync("hi", cancellationToken: Ct);
        Assert.Equal("from other", response.Text);
        Assert.Equal(0, west.CallCount);
        var westSkip = response.GetLlmCallInfo()!.Attempts[1];
        Assert.Equal(("west", LlmAttemptDecision.Skipped, "cooling_down"), (westSkip.Provider, westSkip.Decision, westSkip.Failure!.ErrorCode));
        Assert.True(westProvider.GetHealth().IsCoolingDown);

        // Another pipeline that starts with the sibling skips it too.
        Assert.Equal("from other", (await westFirst.GetResponseAsync("hi", cancellationToken: Ct)).Text);
        Assert.Equal(0, west.CallCount);

        f.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal("from west", (await westFirst.GetResponseAsync("hi", cancellationToken: Ct)).Text);
        Assert.Equal(1, west.CallCount);
    }

    [Fact]
    public async Task GetResponseAsync_RegistryProvidersShareUpstream_RetryAfterCoolsDownTheSibling()
    {
        var f = new FallbackFixture();
        var east = f.Always(Script.Status(429, retryAfter: TimeSpan.FromSeconds(60)));
        var west = f.Always(Script.Answer("from west"));
        var other = f.Always(Script.Answer("from other"));
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(f.Time);
        services.AddLlmProviders()
            .AddProvider("east", _ => east, o => o.Upstream = "account-1")
            .AddProvider("west", _ => west, o => o.Upstream = "account-1")
            .AddProvider("other", _ => other);
        services.AddFallbackChatClient("east", "west", "other");
        await using var sp = services.BuildServiceProvider();
        var client = sp.GetRequiredService<IChatClient>();

        var response = await client.GetResponseAsync("hi", cancellationToken: Ct);

        Assert.Equal("from other", response.Text);
        Assert.Equal((1, 0, 1), (east.CallCount, west.CallCount, other.CallCount));
        Assert.True(sp.GetRequiredService<LlmProviderRegistry>().GetProvider("west").GetHealth().IsCoolingDown);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_RetryAfterWithinMax_WaitsExactlyThenStreamsFromSameProvider()
    {
        var f = new FallbackFixture();
        var primary = f.Script(Script.Status(429, retryAfter: TimeSpan.FromSeconds(3)), Script.Answer("streamed answer"));
        var secondary = f.Always(Script.Answer("from b"));
        using var client = f.Client([f.Provider("a", primary), f.Provider("b", secondary)]);

        var drain = StreamResult.DrainAsync(client.GetStreamingResponseAsync("hi", cancellationToken: Ct));
        await Poll.UntilAsync(() => primary.CallCount == 1);
        await f.ExpectCallAfterAsync(primary, TimeSpan.FromSeconds(3));
        var result = await Poll.CompletesAsync(drain);

        Assert.Null(result.Error);
        Assert.Equal("streamed answer", result.ToResponse().Text);
        Assert.Equal(0, secondary.CallCount);
    }
}
