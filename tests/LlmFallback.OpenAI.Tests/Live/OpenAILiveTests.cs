using Microsoft.Extensions.DependencyInjection;

namespace LlmFallback.OpenAI.Tests.Live;

/// <summary>Calls the real OpenAI API; skipped unless <c>OPENAI_API_KEY</c> is set. Model from <c>OPENAI_LIVE_MODEL</c> (default gpt-4o-mini).</summary>
public class OpenAILiveTests
{
    private static ServiceProvider Build()
    {
        var key = Environment.GetEnvironmentVariable("OPENAI_API_KEY");
        Assert.SkipWhen(string.IsNullOrEmpty(key), "OPENAI_API_KEY is not set; live OpenAI tests are skipped.");
        var model = Environment.GetEnvironmentVariable("OPENAI_LIVE_MODEL") is { Length: > 0 } m ? m : "gpt-4o-mini";
        return TestProviders.Build(b => b.AddOpenAIProvider("openai", o => o.Model = model));
    }

    [Fact]
    public async Task GetResponseAsync_RealOpenAI_Answers()
    {
        await using var sp = Build();

        var response = await sp.GetRequiredKeyedService<IChatClient>("openai").GetResponseAsync(
            [new(ChatRole.System, "Answer with one word."), new(ChatRole.User, "Say hi")],
            new ChatOptions { MaxOutputTokens = 16 },
            TestContext.Current.CancellationToken);

        Assert.False(string.IsNullOrWhiteSpace(response.Text));
        Assert.True(response.Usage?.InputTokenCount > 0);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_RealOpenAI_EndsWithFinishReasonAndUsage()
    {
        await using var sp = Build();
        var updates = new List<ChatResponseUpdate>();

        await foreach (var u in sp.GetRequiredKeyedService<IChatClient>("openai").GetStreamingResponseAsync(
            [new(ChatRole.User, "Count from 1 to 5.")],
            new ChatOptions { MaxOutputTokens = 32 },
            TestContext.Current.CancellationToken))
        {
            updates.Add(u);
        }

        var response = updates.ToChatResponse();
        Assert.NotNull(response.FinishReason);
        Assert.True(response.Usage?.OutputTokenCount > 0);
    }

    [Fact]
    public async Task GetResponseAsync_UnknownModel_ClassifiedModelNotFound()
    {
        var key = Environment.GetEnvironmentVariable("OPENAI_API_KEY");
        Assert.SkipWhen(string.IsNullOrEmpty(key), "OPENAI_API_KEY is not set; live OpenAI tests are skipped.");
        await using var sp = TestProviders.Build(b => b.AddOpenAIProvider("openai", o => o.Model = "gpt-does-not-exist"));
        var provider = sp.GetRequiredKeyedService<LlmProvider>("openai");

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => provider.Client.GetResponseAsync("hi", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(LlmFailureKind.ModelNotFound, provider.Classify(ex).Kind);
    }
}

/// <summary>Calls a real Azure OpenAI deployment through the v1 endpoint; skipped unless <c>AZURE_OPENAI_API_KEY</c>, <c>AZURE_OPENAI_ENDPOINT</c> and <c>AZURE_OPENAI_DEPLOYMENT</c> are set.</summary>
public class AzureOpenAILiveTests
{
    [Fact]
    public async Task GetResponseAsync_RealAzureOpenAI_Answers()
    {
        var key = Environment.GetEnvironmentVariable("AZURE_OPENAI_API_KEY");
        var endpoint = Environment.GetEnvironmentVariable("AZURE_OPENAI_ENDPOINT");
        var deployment = Environment.GetEnvironmentVariable("AZURE_OPENAI_DEPLOYMENT");
        Assert.SkipWhen(string.IsNullOrEmpty(key) || string.IsNullOrEmpty(endpoint) || string.IsNullOrEmpty(deployment), "AZURE_OPENAI_API_KEY, AZURE_OPENAI_ENDPOINT and AZURE_OPENAI_DEPLOYMENT are not all set; live Azure tests are skipped.");
        await using var sp = TestProviders.Build(b => b.AddAzureOpenAIProvider("azure", o => { o.Endpoint = new Uri(endpoint!); o.Model = deployment; }));

        var response = await sp.GetRequiredKeyedService<IChatClient>("azure").GetResponseAsync("Say hi", new ChatOptions { MaxOutputTokens = 16 }, TestContext.Current.CancellationToken);

        Assert.False(string.IsNullOrWhiteSpace(response.Text));
    }
}
