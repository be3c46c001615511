using LlmFallback.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LlmFallback.Tests.Integration;

/// <summary>The whole pipeline as UseLlmFallbackDefaults builds it from one Llm section: the stages work together.</summary>
public sealed class DefaultPipelineTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ServiceProvider Build(ScriptedChatClient primary, ScriptedChatClient secondary, Dictionary<string, string?> settings, FakeTimeProvider time)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection("Llm");
        var services = new ServiceCollection().AddSingleton<TimeProvider>(time);
        services.AddLlmProviders(configuration)
            .AddProvider("primary", _ => primary, o => o.Model = "gpt-4o-mini")
            .AddProvider("secondary", _ => secondary, o => o.Model = "claude-sonnet-4-5");
        services.AddLlmFallbackDefaults(configuration);
        services.AddFallbackChatClient("primary", "secondary").UseLlmFallbackDefaults();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    private static Dictionary<string, string?> Settings(params (string Key, string? Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Llm:Caching:Enabled"] = "true",
            ["Llm:Pii:DefaultAction"] = "Pseudonymise",
            ["Llm:Moderation:Local:Categories:forbidden:Words:0"] = "contraband",
            ["Llm:Moderation:Actions:forbidden"] = "Flag",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    [Fact]
    public async Task GetResponseAsync_FailOverThenCacheHit_CostIsKnownAndTheHitRecordsWhatItSaved()
    {
        var time = new FakeTimeProvider();
        var primary = ScriptedChatClient.Always(Script.Status(503), time);
        var secondary = ScriptedChatClient.Always(Script.Answer("Python is a language.", "claude-sonnet-4-5", new UsageDetails { InputTokenCount = 1000, OutputTokenCount = 500 }), time);
        using var sp = Build(primary, secondary, Settings(("Llm:Providers:primary:Resilience:MaxRetries", "0")), time);
        var chat = sp.GetRequiredService<IChatClient>();
        var options = new ChatOptions().WithUser("u-1");

        var first = await chat.GetResponseAsync("What is Python?", options, Ct);
        var second = await chat.GetResponseAsync("What is Python?", new ChatOptions().WithUser("u-1"), Ct);

        var answered = first.GetLlmCallInfo()!;
        Assert.Equal(("secondary", false), (answered.Provider, answered.CacheHit));
        Assert.True(answered.Cost > 0m, $"cost {answered.Cost}");
        var hit = second.GetLlmCallInfo()!;
        Assert.True(hit.CacheHit);
        Assert.Equal(answered.Cost, hit.CostSaved);
        Assert.Equal(1, secondary.CallCount);
    }

    [Fact]
    public async Task GetResponseAsync_EmailInPrompt_ProviderNeverSeesItAndTheAnswerRestoresIt()
    {
        var time = new FakeTimeProvider();
        var primary = new EchoClient();
        using var sp = Build(ScriptedChatClient.Always(Script.Answer("unused"), time), ScriptedChatClient.Always(Script.Answer("unused"), time), Settings(), time);
        var chat = new ChatClientBuilder(new FallbackChatClient([new LlmProvider("echo", primary, timeProvider: time)], timeProvider: time))
            .UseLlmFallbackDefaults()
            .Build(sp);

        var response = await chat.GetResponseAsync("Write to jane.doe@example.com please", cancellationToken: Ct);

        Assert.DoesNotContain("jane.doe@example.com", primary.LastPrompt, StringComparison.Ordinal);
        Assert.Contains("jane.doe@example.com", response.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_FlaggedAnswer_IsNeverServedFromTheCache()
    {
        var time = new FakeTimeProvider();
        var primary = ScriptedChatClient.Always(Script.Answer("Here is the contraband list."), time);
        using var sp = Build(primary, ScriptedChatClient.Always(Script.Answer("unused"), time), Settings(), time);
        var chat = sp.GetRequiredService<IChatClient>();

        var first = await chat.GetResponseAsync("list", cancellationToken: Ct);
        var second = await chat.GetResponseAsync("list", cancellationToken: Ct);

        Assert.NotEmpty(first.GetLlmSafetyReport()!.ModerationFlags);
        Assert.False(second.GetLlmCallInfo()!.CacheHit);
        Assert.Equal(2, primary.CallCount);
    }

    [Fact]
    public async Task GetResponseAsync_DefaultRouteChosen_TheLedgerCountsTheCallUnderTheRoute()
    {
        var time = new FakeTimeProvider();
        var primary = ScriptedChatClient.Always(Script.Answer("hi", "gpt-4o-mini", new UsageDetails { InputTokenCount = 10, OutputTokenCount = 5 }), time);
        var secondary = ScriptedChatClient.Always(Script.Answer("unused"), time);
        using var sp = Build(primary, secondary, Settings(("Llm:Routes:cheap:0", "primary"), ("Llm:Routing:DefaultRoute", "cheap")), time);
        var chat = sp.GetRequiredService<IChatClient>();

        var response = await chat.GetResponseAsync("hello", cancellationToken: Ct);

        Assert.Equal("cheap", response.GetLlmCallInfo()!.Route!.Route);
        var ledger = sp.GetRequiredService<ICostLedger>();
        var totals = await ledger.GetTotalsAsync(LlmCostDimension.Route, "cheap", time.GetUtcNow().AddHours(-1), time.GetUtcNow().AddHours(1), Ct);
        Assert.Equal(1, totals.Calls);
    }

    [Fact]
    public void UseLlmFallbackDefaults_OnlyRegisteredStagesAreAdded()
    {
        var time = new FakeTimeProvider();
        var services = new ServiceCollection().AddSingleton<TimeProvider>(time);
        services.AddLlmProviders().AddProvider("p", _ => ScriptedChatClient.Always(Script.Answer("hi"), time));
        services.AddInputValidation();
        services.AddFallbackChatClient("p").UseLlmFallbackDefaults();
        using var sp = services.BuildServiceProvider();

        var chat = sp.GetRequiredService<IChatClient>();

        Assert.NotNull(chat.GetService<InputValidationChatClient>());
        Assert.Null(chat.GetService<LlmCachingChatClient>());
        Assert.Null(chat.GetService<CostMeteringChatClient>());
        Assert.NotNull(chat.GetService<FallbackChatClient>());
    }

    [Fact]
    public void UseLlmFallbackDefaults_NullBuilder_Throws() =>
        Assert.Throws<ArgumentNullException>("builder", () => ((ChatClientBuilder)null!).UseLlmFallbackDefaults());

    [Fact]
    public void AddLlmFallbackDefaults_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>("services", () => ((IServiceCollection)null!).AddLlmFallbackDefaults(new ConfigurationBuilder().Build()));
        Assert.Throws<ArgumentNullException>("configuration", () => new ServiceCollection().AddLlmFallbackDefaults(null!));
    }

    private sealed class EchoClient : IChatClient
    {
        public string LastPrompt { get; private set; } = string.Empty;

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            LastPrompt = string.Join("\n", messages.Select(m => m.Text));
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "You said: " + LastPrompt)) { FinishReason = ChatFinishReason.Stop });
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
