using LlmFallback.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LlmFallback.Tests.Integration;

/// <summary>
/// An empty conversation or a null message is the caller's mistake: every stage, alone or in the default pipeline,
/// rejects it with an <see cref="ArgumentException"/> naming <c>messages</c> before anything is called or charged,
/// never with a <see cref="NullReferenceException"/> from inside a stage.
/// </summary>
public sealed class CallerMistakeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> Stages() =>
    [
        "defaults", "validation", "rate-limiting", "budgets", "moderation", "pii", "cost-optimization", "caching", "metering", "routing",
    ];

    [Theory]
    [MemberData(nameof(Stages))]
    public async Task GetResponseAsync_NullOrNoMessage_ArgumentExceptionAndNoCall(string stage)
    {
        var (sp, inner, chat) = Build(stage);
        using var _ = sp;

        foreach (var messages in Mistakes())
        {
            var error = await Assert.ThrowsAnyAsync<ArgumentException>(() => chat.GetResponseAsync(messages, new ChatOptions().WithUser("u-1"), Ct));
            Assert.Equal("messages", error.ParamName);
        }

        Assert.Equal(0, inner.CallCount);
    }

    [Theory]
    [MemberData(nameof(Stages))]
    public async Task GetStreamingResponseAsync_NullOrNoMessage_ArgumentExceptionAndNoCall(string stage)
    {
        var (sp, inner, chat) = Build(stage);
        using var _ = sp;

        foreach (var messages in Mistakes())
        {
            var error = await Assert.ThrowsAnyAsync<ArgumentException>(async () =>
            {
                await foreach (var update in chat.GetStreamingResponseAsync(messages, new ChatOptions().WithUser("u-1"), Ct))
                {
                }
            });
            Assert.Equal("messages", error.ParamName);
        }

        Assert.Equal(0, inner.CallCount);
    }

    private static IEnumerable<List<ChatMessage>> Mistakes() =>
    [
        [],
        [null!],
        [new(ChatRole.User, "hello"), null!],
    ];

    private static (ServiceProvider Services, ScriptedChatClient Inner, IChatClient Chat) Build(string stage)
    {
        var time = new FakeTimeProvider();
        var inner = ScriptedChatClient.Always(Script.Answer("answer"), time);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Llm:Caching:Enabled"] = "true",
            ["Llm:Pii:DefaultAction"] = "Pseudonymise",
            ["Llm:Moderation:Local:Categories:forbidden:Words:0"] = "contraband",
            ["Llm:Moderation:Actions:forbidden"] = "Flag",
            ["Llm:InputValidation:MaxMessages"] = "50",
            ["Llm:RateLimiting:PerUser:RequestsPerMinute"] = "100",
            ["Llm:Budgets:PerUser:Daily"] = "10",
            ["Llm:CostOptimization:DefaultMaxOutputTokens"] = "500",
            ["Llm:Routes:chat:0"] = "primary",
            ["Llm:Routes:long:0"] = "primary",
            ["Llm:Routing:Rules:0:Name"] = "short",
            ["Llm:Routing:Rules:0:Route"] = "chat",
            ["Llm:Routing:Rules:0:Keywords:0"] = "urgent",
            ["Llm:Routing:Rules:0:MaxPromptTokens"] = "1000",
        }).Build().GetSection("Llm");
        var services = new ServiceCollection().AddSingleton<TimeProvider>(time);
        services.AddLlmProviders(configuration).AddProvider("primary", _ => inner, o => o.Model = "gpt-4o-mini");
        services.AddLlmFallbackDefaults(configuration);
        var sp = services.BuildServiceProvider();
        var builder = new ChatClientBuilder(new FallbackChatClient([new LlmProvider("primary", inner, new LlmProviderOptions { Model = "gpt-4o-mini" }, timeProvider: time)], timeProvider: time));
        builder = stage switch
        {
            "defaults" => builder.UseLlmFallbackDefaults(),
            "validation" => builder.UseInputValidation(),
            "rate-limiting" => builder.UseRateLimiting(),
            "budgets" => builder.UseBudgets(),
            "moderation" => builder.UseModeration(),
            "pii" => builder.UsePiiRedaction(),
            "cost-optimization" => builder.UseCostOptimization(),
            "caching" => builder.UseCaching(),
            "metering" => builder.UseCostMetering(),
            "routing" => builder.UseRouting(),
            _ => throw new ArgumentOutOfRangeException(nameof(stage)),
        };
        return (sp, inner, builder.Build(sp));
    }
}
