using Microsoft.Extensions.DependencyInjection;

namespace LlmFallback.Anthropic.Tests;

/// <summary>Against the real Messages API; skipped unless <c>ANTHROPIC_API_KEY</c> is set (model: <c>ANTHROPIC_LIVE_MODEL</c>, default claude-haiku-4-5).</summary>
public sealed class AnthropicLiveTests
{
    private const string SkipReason = "Set ANTHROPIC_API_KEY to run the live Anthropic tests.";

    public static bool HasKey => !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(AnthropicProviderOptions.ApiKeyEnvironmentVariable));

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact(Skip = SkipReason, SkipUnless = nameof(HasKey))]
    public async Task Live_Text_Answers()
    {
        await using var services = Build();

        var response = await services.GetRequiredKeyedService<IChatClient>("live").GetResponseAsync([new(ChatRole.User, "Reply with the single word: pong")], new ChatOptions { MaxOutputTokens = 16 }, Token);

        Assert.Contains("pong", response.Text, StringComparison.OrdinalIgnoreCase);
        Assert.NotNull(response.FinishReason);
        Assert.True(response.Usage?.InputTokenCount > 0);
    }

    [Fact(Skip = SkipReason, SkipUnless = nameof(HasKey))]
    public async Task Live_Stream_EndsWithFinishReason()
    {
        await using var services = Build();
        var updates = new List<ChatResponseUpdate>();

        await foreach (var update in services.GetRequiredKeyedService<IChatClient>("live").GetStreamingResponseAsync([new(ChatRole.User, "Count from 1 to 5.")], new ChatOptions { MaxOutputTokens = 64 }, Token))
        {
            updates.Add(update);
        }

        Assert.Contains(updates, u => u.FinishReason is not null);
        Assert.Contains("3", string.Concat(updates.Select(u => u.Text)), StringComparison.Ordinal);
    }

    [Fact(Skip = SkipReason, SkipUnless = nameof(HasKey))]
    public async Task Live_UnknownModel_IsModelNotFound()
    {
        await using var services = Build(model: "claude-does-not-exist-1");
        var provider = services.GetRequiredKeyedService<LlmProvider>("live");

        var error = await Record.ExceptionAsync(() => provider.Client.GetResponseAsync([new(ChatRole.User, "hi")], cancellationToken: Token));

        Assert.Equal(LlmFailureKind.ModelNotFound, provider.Classify(error!).Kind);
    }

    private static ServiceProvider Build(string? model = null)
    {
        var services = new ServiceCollection();
        services.AddLlmProviders().AddAnthropicProvider("live", o => o.Model = model ?? Environment.GetEnvironmentVariable("ANTHROPIC_LIVE_MODEL") ?? "claude-haiku-4-5");
        return services.BuildServiceProvider();
    }
}
