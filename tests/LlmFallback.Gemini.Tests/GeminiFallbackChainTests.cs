using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LlmFallback.Gemini.Tests;

/// <summary>The Gemini adapter inside the foundation's fallback stage: RetryInfo drives the wait, never a hammering retry.</summary>
public class GeminiFallbackChainTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private GeminiTestServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await GeminiTestServer.StartAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ServiceProvider Build(Action<LlmProvidersBuilder>? more = null, params string[] chain)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_time);
        var builder = services.AddLlmProviders().AddGeminiProvider("gem", o =>
        {
            o.Model = "gemini-2.5-flash";
            o.ApiKey = "test-key";
            o.Endpoint = _server.BaseAddress;
        });
        more?.Invoke(builder);
        services.AddFallbackChatClient(chain);
        return services.BuildServiceProvider();
    }

    private static string RateLimited(string retryDelay) => GeminiWireJson.Error(429, "RESOURCE_EXHAUSTED", GeminiWireJson.QuotaMessage,
        GeminiWireJson.QuotaFailure("GenerateRequestsPerMinutePerProjectPerModel-FreeTier"), GeminiWireJson.Help(), GeminiWireJson.RetryInfo(retryDelay));

    [Fact]
    public async Task GetResponseAsync_RetryInfoTwoSeconds_WaitsTwoSecondsOfFakeTimeThenRetriesOnce()
    {
        using var sp = Build(chain: "gem");
        _server.EnqueueJson(429, RateLimited("2s"));
        _server.EnqueueJson(200, GeminiWireJson.Text("after the wait"));
        var client = sp.GetRequiredService<IChatClient>();
        var provider = sp.GetRequiredKeyedService<LlmProvider>("gem");

        var call = client.GetResponseAsync("Say hi", cancellationToken: Ct);

        // The 429 has been classified once the upstream is cooling down; the retry waits on the fake clock only.
        while (!provider.GetHealth().IsCoolingDown)
        {
            Assert.False(call.IsCompleted, "The call ended before the 429 was classified.");
            await Task.Delay(1, Ct);
        }

        Assert.Equal(TimeSpan.FromSeconds(2), provider.GetHealth().AvailableAt - _time.GetUtcNow());
        _time.Advance(TimeSpan.FromMilliseconds(1900));
        await Task.Delay(50, Ct);
        Assert.Single(_server.Requests);
        Assert.False(call.IsCompleted);

        var advanced = TimeSpan.FromMilliseconds(1900);
        while (!call.IsCompleted && advanced < TimeSpan.FromSeconds(10))
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
            advanced += TimeSpan.FromMilliseconds(100);
            await Task.WhenAny(call, Task.Delay(20, Ct));
        }

        var response = await call;
        Assert.Equal("after the wait", response.Text);
        Assert.Equal(2, _server.Requests.Count);
        var info = response.GetLlmCallInfo()!;
        Assert.Equal("gem", info.Provider);
        Assert.Equal(2, info.AttemptCount);
        Assert.Equal(LlmFailureKind.RateLimited, info.Attempts[0].Failure!.Kind);
        Assert.Equal(TimeSpan.FromSeconds(2), info.Attempts[0].Failure!.RetryAfter);
    }

    [Fact]
    public async Task GetResponseAsync_RetryInfoLongerThanThePolicyAllows_FailsOverAtOnce()
    {
        var backup = new BackupClient();
        using var sp = Build(b => b.AddProvider("backup", _ => backup), "gem", "backup");
        _server.EnqueueJson(429, RateLimited("45s"));

        var response = await sp.GetRequiredService<IChatClient>().GetResponseAsync("Say hi", cancellationToken: Ct);

        Assert.Equal("from backup", response.Text);
        Assert.Single(_server.Requests);
        var info = response.GetLlmCallInfo()!;
        Assert.Equal("backup", info.Provider);
        Assert.Equal(LlmFailureKind.RateLimited, info.FallbackReason);
        Assert.True(sp.GetRequiredKeyedService<LlmProvider>("gem").GetHealth().IsCoolingDown);
    }

    [Fact]
    public async Task GetResponseAsync_DailyQuotaGone_FailsOverWithoutRetrying()
    {
        var backup = new BackupClient();
        using var sp = Build(b => b.AddProvider("backup", _ => backup), "gem", "backup");
        _server.EnqueueJson(429, GeminiWireJson.Error(429, "RESOURCE_EXHAUSTED", GeminiWireJson.QuotaMessage,
            GeminiWireJson.QuotaFailure("GenerateRequestsPerDayPerProjectPerModel-FreeTier"), GeminiWireJson.RetryInfo("2s")));

        var response = await sp.GetRequiredService<IChatClient>().GetResponseAsync("Say hi", cancellationToken: Ct);

        Assert.Equal("backup", response.GetLlmCallInfo()!.Provider);
        Assert.Equal(LlmFailureKind.Authentication, response.GetLlmCallInfo()!.FallbackReason);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task GetResponseAsync_PromptBlocked_SurfacesContentPolicyByDefault()
    {
        var backup = new BackupClient();
        using var sp = Build(b => b.AddProvider("backup", _ => backup), "gem", "backup");
        _server.EnqueueJson(200, GeminiWireJson.PromptBlocked("SAFETY"));

        var ex = await Assert.ThrowsAsync<LlmProviderException>(() => sp.GetRequiredService<IChatClient>().GetResponseAsync("bad", cancellationToken: Ct));

        Assert.Equal(LlmFailureKind.ContentPolicy, ex.Kind);
        Assert.Equal(0, backup.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_SeedOutOfRange_SurfacesTheCallersMistakeWithoutCountingAgainstTheProvider()
    {
        using var sp = Build(chain: "gem");

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => sp.GetRequiredService<IChatClient>().GetResponseAsync("Hi", new ChatOptions { Seed = long.MaxValue }, Ct));

        Assert.True(ex is ArgumentOutOfRangeException || ex.InnerException is ArgumentOutOfRangeException, ex.ToString());
        Assert.Empty(_server.Requests);
        var health = sp.GetRequiredKeyedService<LlmProvider>("gem").GetHealth();
        Assert.Equal(LlmCircuitState.Closed, health.State);
        Assert.Equal(0, health.ConsecutiveFailures);
    }

    [Theory]
    [InlineData(true, LlmCircuitState.Closed)]
    [InlineData(false, LlmCircuitState.Open)]
    public async Task GetResponseAsync_404_IsolatesTheProviderOnlyWhenNoFileWasNamed(bool withFile, LlmCircuitState state)
    {
        var backup = new BackupClient();
        using var sp = Build(b => b.AddProvider("backup", _ => backup), "gem", "backup");
        _server.EnqueueJson(404, GeminiWireJson.Error(404, "NOT_FOUND", GeminiWireJson.FileNotFoundMessage));
        List<AIContent> contents = [new TextContent("Summarise.")];
        if (withFile)
        {
            contents.Add(new UriContent(new Uri("https://generativelanguage.googleapis.com/v1beta/files/2ezgg6w3mc1g"), "application/pdf"));
        }

        Exception? error = null;
        try
        {
            await sp.GetRequiredService<IChatClient>().GetResponseAsync([new ChatMessage(ChatRole.User, contents)], cancellationToken: Ct);
        }
        catch (LlmProviderException ex)
        {
            error = ex;
        }

        Assert.Equal(withFile, error is LlmProviderException { Kind: LlmFailureKind.BadRequest, ErrorCode: GeminiErrors.FileNotFoundCode });
        Assert.Equal(withFile ? 0 : 1, backup.Calls);
        Assert.Equal(state, sp.GetRequiredKeyedService<LlmProvider>("gem").GetHealth().State);
        Assert.Equal(withFile ? null : LlmFailureKind.ModelNotFound, sp.GetRequiredKeyedService<LlmProvider>("gem").GetHealth().LastFailureKind);
    }

    [Fact]
    public async Task GetResponseAsync_FileStillProcessing_IsTheRequestsMistakeAndLeavesTheProviderInRotation()
    {
        // A video or audio file used before the Files API finished processing it: a 400 FAILED_PRECONDITION, like a
        // region or billing block, but about the request's file, which is ready seconds later.
        var backup = new BackupClient();
        using var sp = Build(b => b.AddProvider("backup", _ => backup), "gem", "backup");
        _server.EnqueueJson(400, GeminiWireJson.Error(400, "FAILED_PRECONDITION", GeminiWireJson.FileNotActiveMessage));
        var message = new ChatMessage(ChatRole.User, [new TextContent("Describe the clip."), new UriContent(new Uri("https://generativelanguage.googleapis.com/v1beta/files/2ezgg6w3mc1g"), "video/mp4")]);

        var error = await Record.ExceptionAsync(() => sp.GetRequiredService<IChatClient>().GetResponseAsync([message], cancellationToken: Ct));

        var health = sp.GetRequiredKeyedService<LlmProvider>("gem").GetHealth();
        Assert.Equal(LlmCircuitState.Closed, health.State);
        Assert.Equal(0, health.ConsecutiveFailures);
        Assert.Equal(0, backup.Calls);
        var surfaced = Assert.IsType<LlmProviderException>(error);
        Assert.Equal(LlmFailureKind.BadRequest, surfaced.Kind);
        Assert.Equal(GeminiErrors.FileNotActiveCode, surfaced.ErrorCode);
    }

    private sealed class BackupClient : IChatClient
    {
        public int Calls { get; private set; }

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            Calls++;
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "from backup")) { FinishReason = ChatFinishReason.Stop });
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
