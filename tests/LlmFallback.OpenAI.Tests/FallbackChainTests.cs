using LlmFallback.Conformance;
using LlmFallback.OpenAI.Tests.Wire;
using Microsoft.Extensions.DependencyInjection;

namespace LlmFallback.OpenAI.Tests;

/// <summary>The OpenAI adapter under the fallback stage: a 429 with Retry-After is honoured, never hammered.</summary>
public sealed class FallbackChainTests : IAsyncLifetime
{
    private readonly OpenAILoopbackServer _openai = new();
    private readonly VllmLoopbackServer _local = new();
    private readonly TimerSignallingTimeProvider _time = new();

    public async ValueTask InitializeAsync()
    {
        await _openai.StartAsync(TestContext.Current.CancellationToken);
        await _local.StartAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _openai.DisposeAsync();
        await _local.DisposeAsync();
    }

    private ServiceProvider Build() => TestProviders.Build(
        b => b
            .AddOpenAIProvider("openai", o => { o.Model = "gpt-4o-mini"; o.Endpoint = _openai.V1(); o.ApiKey = "test-key"; })
            .AddOpenAICompatibleProvider("local", OpenAICompatiblePresets.VLlm, o => { o.Model = "llama"; o.Endpoint = _local.V1(); }),
        time: _time,
        services: s => s.AddFallbackChatClient("openai", "local"));

    [Fact]
    public async Task GetResponseAsync_RateLimitedWithRetryAfter2_WaitsTwoSecondsThenRetries()
    {
        await using var sp = Build();
        var chat = sp.GetRequiredService<IChatClient>();
        var ct = TestContext.Current.CancellationToken;
        _openai.Enqueue(WireScenario.Error(WireError.RateLimited, retryAfter: "2"));
        _openai.Enqueue(WireScenario.Text("hello after waiting"));

        var call = chat.GetResponseAsync(TestProviders.Conversation, cancellationToken: ct);
        await _time.WaitForTimerAsync(TimeSpan.FromSeconds(2), ct);
        _time.Advance(TimeSpan.FromMilliseconds(1999));
        await Task.Delay(20, ct);

        Assert.Single(_openai.Requests);
        Assert.False(call.IsCompleted);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        var response = await call;

        Assert.Equal("hello after waiting", response.Text);
        Assert.Equal(2, _openai.Requests.Count);
        Assert.Empty(_local.Requests);
        var info = response.GetLlmCallInfo()!;
        Assert.Equal("openai", info.Provider);
        Assert.Equal(LlmFailureKind.RateLimited, info.Attempts[0].Kind);
        Assert.Equal(TimeSpan.FromSeconds(2), info.Attempts[0].Failure!.RetryAfter);
        Assert.Equal(LlmAttemptDecision.Retried, info.Attempts[0].Decision);
    }

    [Fact]
    public async Task GetResponseAsync_RetryAfterLongerThanPolicy_FailsOverWithoutWaiting()
    {
        await using var sp = Build();
        var chat = sp.GetRequiredService<IChatClient>();
        _openai.Enqueue(WireScenario.Error(WireError.RateLimited, retryAfterMs: "60000"));
        _local.Enqueue(WireScenario.Text("local answer"));

        var response = await chat.GetResponseAsync(TestProviders.Conversation, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("local answer", response.Text);
        Assert.Single(_openai.Requests);
        var info = response.GetLlmCallInfo()!;
        Assert.Equal("local", info.Provider);
        Assert.Equal(LlmFailureKind.RateLimited, info.FallbackReason);
        Assert.Equal(LlmAttemptDecision.FailedOver, info.Attempts[0].Decision);
        Assert.False(sp.GetRequiredKeyedService<LlmProvider>("openai").GetHealth().AvailableAt is null);
    }

    [Fact]
    public async Task GetResponseAsync_ContextLengthOnLocal_IsNotRetriedOnTheSameModel()
    {
        await using var sp = TestProviders.Build(
            b => b.AddOpenAICompatibleProvider("local", OpenAICompatiblePresets.VLlm, o => { o.Model = "llama"; o.Endpoint = _local.V1(); }),
            time: _time,
            services: s => s.AddFallbackChatClient("local"));
        _local.Enqueue(WireScenario.Error(WireError.ContextLength));

        var ex = await Assert.ThrowsAnyAsync<LlmException>(() => sp.GetRequiredService<IChatClient>().GetResponseAsync(TestProviders.Conversation, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Single(_local.Requests);
        Assert.Equal(LlmFailureKind.ContextLengthExceeded, ex.Attempts[0].Kind);
    }
}
