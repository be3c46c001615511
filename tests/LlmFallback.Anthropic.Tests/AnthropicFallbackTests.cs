using LlmFallback.Conformance;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LlmFallback.Anthropic.Tests;

/// <summary>Anthropic providers inside the fallback stage: what a user's chain does with Anthropic's real failures.</summary>
public sealed class AnthropicFallbackTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-03T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private AnthropicLoopbackServer _primary = null!;
    private AnthropicLoopbackServer _secondary = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _primary = await AnthropicTestServices.StartServerAsync();
        _secondary = await AnthropicTestServices.StartServerAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _primary.DisposeAsync();
        await _secondary.DisposeAsync();
    }

    [Fact]
    public async Task Chain_PrimaryOverloaded529_FailsOverToSecondary()
    {
        await using var services = BuildChain(primaryRetries: 0);
        _primary.Enqueue(WireScenario.Error(WireError.Overloaded));
        _secondary.Enqueue(WireScenario.Text("from secondary"));

        var response = await Fallback(services).GetResponseAsync([new(ChatRole.User, "Say hi")], cancellationToken: Token);

        Assert.Equal("from secondary", response.Text);
        var info = response.GetLlmCallInfo();
        Assert.Equal("backup", info?.Provider);
        Assert.Equal(LlmFailureKind.ServerError, info?.FallbackReason);
        Assert.Single(_primary.Requests);
    }

    [Theory]
    [InlineData("This organization has been disabled.")]
    [InlineData("You have reached your specified API usage limits. You will regain access on 2026-12-01 at 00:00 UTC.")]
    public async Task Chain_PrimaryAccountStoppedWith400_IsolatesItAndFailsOverToSecondary(string message)
    {
        // A disabled account, or one past its monthly spend limit (the 400 form, without details.error_code), answers
        // every request with this 400: no request of the caller's is at fault, and no wait or retry helps, so the
        // provider leaves the rotation and the request goes to the next one.
        await using var services = BuildChain(primaryRetries: 0);
        _primary.Enqueue(WireScenario.Raw(
            400,
            "application/json",
            $$"""{"type":"error","error":{"type":"invalid_request_error","message":"{{message}}"},"request_id":"req_011CErr"}"""));
        _secondary.Enqueue(WireScenario.Text("from secondary"));

        var response = await Fallback(services).GetResponseAsync([new(ChatRole.User, "Say hi")], cancellationToken: Token);

        Assert.Equal("from secondary", response.Text);
        Assert.Equal(LlmFailureKind.Authentication, response.GetLlmCallInfo()?.FallbackReason);
        Assert.Equal(LlmCircuitState.Open, services.GetRequiredKeyedService<LlmProvider>("claude").GetHealth().State);
    }

    [Fact]
    public async Task Chain_RateLimitedWithRetryAfter2_WaitsTwoSecondsOfFakeTimeThenRetries()
    {
        await using var services = BuildChain(primaryRetries: 1);
        _primary.Enqueue(WireScenario.Error(WireError.RateLimited, retryAfter: "2"));
        _primary.Enqueue(WireScenario.Text("after the wait"));

        var primary = services.GetRequiredKeyedService<LlmProvider>("claude");
        var call = Fallback(services).GetResponseAsync([new(ChatRole.User, "Say hi")], cancellationToken: Token);

        // The 429 has been classified once the provider cools down; the stage then sleeps on the fake clock.
        await WaitUntilAsync(() => primary.GetHealth().IsCoolingDown);
        await Task.Delay(20, Token);
        _time.Advance(TimeSpan.FromMilliseconds(1999));
        await Task.Delay(50, Token);

        Assert.Single(_primary.Requests);
        Assert.False(call.IsCompleted);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        var response = await call.WaitAsync(TimeSpan.FromSeconds(30), Token);

        Assert.Equal("after the wait", response.Text);
        Assert.Equal(2, _primary.Requests.Count);
        Assert.Empty(_secondary.Requests);
        Assert.Equal(2, response.GetLlmCallInfo()?.AttemptCount);
    }

    [Fact]
    public async Task Chain_StreamCutAfterCommittedText_SecondaryContinuesThePrefill()
    {
        await using var services = BuildChain(primaryRetries: 0);
        var cut = new TaskCompletionSource();
        _primary.Enqueue(WireScenario.StreamCut(["Hello, "], cut.Task));
        _secondary.Enqueue(WireScenario.Stream([" wor", "ld."]));

        // The caller holds "Hello, " before the connection is cut, so the answer must be continued, not restarted.
        var text = new System.Text.StringBuilder();
        await foreach (var update in Fallback(services).GetStreamingResponseAsync([new(ChatRole.User, "Greet the world")], cancellationToken: Token))
        {
            text.Append(update.Text);
            if (text.ToString() == "Hello, ")
            {
                cut.TrySetResult();
            }
        }

        Assert.Equal("Hello, world.", text.ToString());
        var messages = Assert.Single(_secondary.Requests).Json.GetProperty("messages");
        Assert.Equal("assistant", messages[1].GetProperty("role").GetString());
        Assert.Equal("Hello,", messages[1].GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task Chain_StreamCutAndBackupRejectsPrefill_EndsPartialWithoutCallingIt()
    {
        await using var services = BuildChain(primaryRetries: 0, backupModel: "claude-opus-4-6");
        var cut = new TaskCompletionSource();
        _primary.Enqueue(WireScenario.StreamCut(["Hello, "], cut.Task));
        var text = new System.Text.StringBuilder();

        var error = await Assert.ThrowsAsync<LlmPartialResponseException>(async () =>
        {
            await foreach (var update in Fallback(services).GetStreamingResponseAsync([new(ChatRole.User, "Greet the world")], cancellationToken: Token))
            {
                // Cut only once the caller holds the text: cutting on the first (text-less) update let the reset
                // discard "Hello, " unread on a loaded machine, so nothing was partial and the backup was called.
                text.Append(update.Text);
                if (text.ToString() == "Hello, ")
                {
                    cut.TrySetResult();
                }
            }
        });

        Assert.Equal("Hello, ", text.ToString());
        Assert.Empty(_secondary.Requests);
        Assert.Equal(LlmFailureKind.Transport, error.Attempts[0].Kind);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10, Token);
        }

        Assert.True(condition());
    }

    private ServiceProvider BuildChain(int primaryRetries, string backupModel = "claude-haiku-4-5")
    {
        var collection = new ServiceCollection();
        collection.AddSingleton<TimeProvider>(_time);
        collection.AddLlmProviders()
            .AddAnthropicProvider("claude", o =>
            {
                o.Endpoint = _primary.BaseAddress;
                o.Model = "claude-sonnet-4-5";
                o.ApiKey = AnthropicTestServices.ApiKey;
                o.Resilience.MaxRetries = primaryRetries;
            })
            .AddAnthropicProvider("backup", o =>
            {
                o.Endpoint = _secondary.BaseAddress;
                o.Model = backupModel;
                o.ApiKey = AnthropicTestServices.ApiKey;
            });
        collection.AddFallbackChatClient("claude", "backup");
        return collection.BuildServiceProvider();
    }

    private static IChatClient Fallback(IServiceProvider services) => services.GetRequiredService<IChatClient>();
}
