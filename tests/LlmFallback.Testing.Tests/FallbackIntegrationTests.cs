using Microsoft.Extensions.DependencyInjection;
using static LlmFallback.Testing.Tests.TestStreams;

namespace LlmFallback.Testing.Tests;

/// <summary>The fakes driving the core <see cref="FallbackChatClient"/>, as users put them in their own tests.</summary>
public class FallbackIntegrationTests
{
    [Fact]
    public async Task GetResponseAsync_PrimaryReturns503_FallbackAnswers()
    {
        var time = new FakeTimeProvider();
        var primary = ScriptedChatClient.Always(Script.Status(503), time);
        var secondary = ScriptedChatClient.Always(Script.Answer("from fallback", "m2"), time);
        using var client = new FallbackChatClient([
            new LlmProvider("primary", primary, new() { Model = "m1", Resilience = new() { MaxRetries = 0 } }, timeProvider: time),
            new LlmProvider("secondary", secondary, new() { Model = "m2" }, timeProvider: time)]);

        var response = await client.GetResponseAsync("hi", cancellationToken: Token);

        Assert.Equal("from fallback", response.Text);
        var info = response.GetLlmCallInfo()!;
        Assert.Equal("secondary", info.Provider);
        Assert.Equal(LlmFailureKind.ServerError, info.FallbackReason);
        Assert.Equal(1, primary.CallCount);
        Assert.Equal(1, secondary.CallCount);
        Assert.Equal("hi", secondary.Calls[0].Messages.Single().Text);
    }

    [Fact]
    public async Task GetResponseAsync_429WithRetryAfter_RetriesTheSameProviderExactlyTwoSecondsLater()
    {
        var time = new FakeTimeProvider();
        var start = time.GetUtcNow();
        var primary = ScriptedChatClient.Sequence(time, Script.Status(429, retryAfter: TimeSpan.FromSeconds(2)), Script.Answer("hi"));
        var secondary = ScriptedChatClient.Always(Script.Answer("should not be needed"), time);
        using var client = new FallbackChatClient([
            new LlmProvider("primary", primary, timeProvider: time),
            new LlmProvider("secondary", secondary, timeProvider: time)]);

        var task = client.GetResponseAsync("hello", cancellationToken: Token);
        time.Advance(TimeSpan.FromSeconds(2) - TimeSpan.FromTicks(1));
        Assert.Equal(1, primary.CallCount);
        Assert.False(task.IsCompleted);
        time.Advance(TimeSpan.FromTicks(1));
        var response = await task.WaitAsync(TimeSpan.FromSeconds(30), Token);

        Assert.Equal("hi", response.Text);
        Assert.Equal("primary", response.GetLlmCallInfo()!.Provider);
        Assert.Equal([start, start.AddSeconds(2)], primary.Calls.Select(c => c.ArrivedAt));
        Assert.Equal(0, secondary.CallCount);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_PrimaryHangs_FailsOverAtTheFirstTokenTimeout()
    {
        var time = new FakeTimeProvider();
        var start = time.GetUtcNow();
        var primary = ScriptedChatClient.Always(Script.Hang(), time);
        var secondary = ScriptedChatClient.Always(Script.Answer("rescued by the fallback"), time);
        using var client = new FallbackChatClient(
            [new LlmProvider("primary", primary, timeProvider: time), new LlmProvider("secondary", secondary, timeProvider: time)],
            new FallbackOptions { Streaming = { FirstTokenTimeout = TimeSpan.FromSeconds(10) } });
        var updates = new List<ChatResponseUpdate>();

        var task = DrainAsync(client.GetStreamingResponseAsync("hi", cancellationToken: Token), updates, Token);
        time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(0, secondary.CallCount);
        time.Advance(TimeSpan.FromSeconds(1));
        await task.WaitAsync(TimeSpan.FromSeconds(30), Token);

        Assert.Equal("rescued by the fallback", updates.ToChatResponse().Text);
        Assert.Equal(start.AddSeconds(10), secondary.Calls.Single().ArrivedAt);
        var info = updates[^1].GetLlmCallInfo()!;
        Assert.Equal("secondary", info.Provider);
        Assert.Equal(LlmFailureKind.Timeout, info.FallbackReason);
        Assert.Equal(1, primary.CallCount);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_PrimaryCutMidAnswer_ContinuesOnAPrefillProvider()
    {
        var time = new FakeTimeProvider();
        var primary = ScriptedChatClient.Always(Script.Answer("The answer is").ThenCut(), time);
        var secondary = ScriptedChatClient.Always(Script.Answer(" forty-two."), time);
        using var client = new FallbackChatClient([
            new LlmProvider("primary", primary, timeProvider: time),
            new LlmProvider("secondary", secondary, new() { Capabilities = { PrefillContinuation = true } }, timeProvider: time)]);

        var updates = await CollectAsync(client.GetStreamingResponseAsync("What is the answer?", cancellationToken: Token));

        Assert.Equal("The answer is forty-two.", updates.ToChatResponse().Text);
        Assert.True(updates[^1].GetLlmCallInfo()!.Rescued);
        var sent = secondary.Calls.Single().Messages;
        Assert.Equal(ChatRole.Assistant, sent[^1].Role);
        Assert.Equal("The answer is", sent[^1].Text);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_PrimaryEndsWithoutFinish_IsNotTakenAsASuccess()
    {
        var time = new FakeTimeProvider();
        var primary = ScriptedChatClient.Always(Script.Answer("truncated answer").WithoutFinish(), time);
        var secondary = ScriptedChatClient.Always(Script.Answer("whole answer"), time);
        using var client = new FallbackChatClient(
            [new LlmProvider("primary", primary, new() { Resilience = new() { MaxRetries = 0 } }, timeProvider: time), new LlmProvider("secondary", secondary, timeProvider: time)],
            new FallbackOptions { Streaming = { HoldbackUntilComplete = true } });

        var updates = await CollectAsync(client.GetStreamingResponseAsync("hi", cancellationToken: Token));

        Assert.Equal("whole answer", updates.ToChatResponse().Text);
        Assert.Equal("secondary", updates[^1].GetLlmCallInfo()!.Provider);
        Assert.Equal(1, secondary.CallCount);
    }

    [Fact]
    public async Task GetResponseAsync_FlappingPrimary_BreakerOpensProbesAndReturnsAfterRecovery()
    {
        var time = new FakeTimeProvider();
        var primary = ScriptedChatClient.Always(Script.Flap(Script.Status(503), TimeSpan.FromSeconds(30), Script.Answer("primary"), TimeSpan.FromHours(1)), time);
        var secondary = ScriptedChatClient.Always(Script.Answer("secondary"), time);
        var policy = new LlmAttemptPolicyOptions { MaxRetries = 0, CircuitBreaker = { ConsecutiveFailures = 3, BreakDuration = TimeSpan.FromSeconds(10) } };
        using var client = new FallbackChatClient([
            new LlmProvider("primary", primary, new() { Resilience = policy }, timeProvider: time),
            new LlmProvider("secondary", secondary, timeProvider: time)]);

        async Task<string> AskAsync() => (await client.GetResponseAsync("hi", cancellationToken: Token)).Text;

        // Down: three failures open the breaker; the fourth request skips the primary.
        Assert.Equal(["secondary", "secondary", "secondary", "secondary"], [await AskAsync(), await AskAsync(), await AskAsync(), await AskAsync()]);
        Assert.Equal(3, primary.CallCount);

        // Half-open after the break: one probe, still down, the breaker opens again.
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(["secondary", "secondary"], [await AskAsync(), await AskAsync()]);
        Assert.Equal(4, primary.CallCount);

        // Recovered (the flap turns healthy at 30 s): the probe succeeds and traffic returns to the primary.
        time.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(["primary", "primary"], [await AskAsync(), await AskAsync()]);
        Assert.Equal(6, primary.CallCount);
        Assert.Equal(6, secondary.CallCount);
    }

    [Fact]
    public async Task AddFallbackChatClient_FakesRegisteredAsProviders_FailOverThroughDependencyInjection()
    {
        var time = new FakeTimeProvider();
        var primary = ScriptedChatClient.Always(Script.Status(401), time);
        var backup = ScriptedChatClient.Always(Script.Answer("from backup"), time);
        var services = new ServiceCollection().AddSingleton<TimeProvider>(time);
        services.AddLlmProviders()
            .AddProvider("primary", _ => primary)
            .AddProvider("backup", _ => backup);
        services.AddFallbackChatClient("primary", "backup");
        await using var provider = services.BuildServiceProvider();
        var chat = provider.GetRequiredService<IChatClient>();

        var first = await chat.GetResponseAsync("hi", cancellationToken: Token);
        var second = await chat.GetResponseAsync("hi", cancellationToken: Token);

        Assert.Equal(("from backup", "from backup"), (first.Text, second.Text));
        Assert.Equal(LlmFailureKind.Authentication, first.GetLlmCallInfo()!.FallbackReason);

        // An authentication failure takes the primary out of rotation: the second request does not call it.
        Assert.Equal(1, primary.CallCount);
        Assert.Equal(2, backup.CallCount);
    }
}
