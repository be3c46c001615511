using LlmFallback.Tests.Fallback;

namespace LlmFallback.Tests.Routing;

/// <summary>Context-window decisions on real tokenizer counts (o200k_base for gpt-4o, the documented 1.2× approximation for others).</summary>
public sealed class ContextWindowRoutingTests
{
    private static readonly List<ChatMessage> Prompt = [new(ChatRole.User, string.Concat(Enumerable.Repeat("hello world ", 500)))];

    private static int Exact => LlmTokenCounter.ForModel("gpt-4o").CountTokens(Prompt);

    private static int Approximate => LlmTokenCounter.ForModel("claude-sonnet-4-5").CountTokens(Prompt);

    private static RoutingFixture Fixture(out LlmRoutingChatClient router, int smallWindow, int largeWindow, Action<RoutingOptions>? configure = null, string largeModel = "gpt-4o")
    {
        var f = new RoutingFixture();
        f.Add("small", o => { o.Model = "gpt-4o"; o.Capabilities.ContextWindow = smallWindow; });
        f.Add("large", o => { o.Model = largeModel; o.Capabilities.ContextWindow = largeWindow; });
        f.Add("unknown-window", o => o.Model = "gpt-4o");
        router = f.Router(RoutingFixture.Options(o =>
        {
            o.Routes["r"] = RoutingFixture.Route(LlmRoutingStrategy.Ordered, "small", "large");
            configure?.Invoke(o);
        }));
        return f;
    }

    [Fact]
    public void Counts_RealTokenizers_ExactForGpt4oAndScaledForOthers()
    {
        Assert.InRange(Exact, 1000, 1010);
        Assert.True(Approximate > Exact * 1.15 && Approximate < Exact * 1.25, $"{Approximate} vs {Exact}");
    }

    [Fact]
    public async Task GetResponseAsync_OneTokenTooManyForTheFirst_NeverSentThereAndTheLargerAnswers()
    {
        var f = Fixture(out var router, smallWindow: Exact + 99, largeWindow: Exact + 100);

        var response = await router.GetResponseAsync(Prompt, new ChatOptions { ModelId = "r", MaxOutputTokens = 100 }, FallbackFixture.Ct);

        Assert.Equal("large", response.Text);
        Assert.Equal(0, f.Clients["small"].CallCount);
        Assert.Equal(Exact, response.GetLlmCallInfo()!.PromptTokens);
        Assert.Single(response.GetLlmCallInfo()!.Attempts);
    }

    [Fact]
    public async Task GetResponseAsync_FitsExactly_SentToTheFirst()
    {
        var f = Fixture(out var router, smallWindow: Exact + 100, largeWindow: Exact + 100);

        var response = await router.GetResponseAsync(Prompt, new ChatOptions { ModelId = "r", MaxOutputTokens = 100 }, FallbackFixture.Ct);

        Assert.Equal("small", response.Text);
    }

    [Fact]
    public async Task GetResponseAsync_ShortPrompt_NoTokenizerNeeded()
    {
        Fixture(out var router, smallWindow: 2000, largeWindow: 4000);

        var response = await router.GetResponseAsync([new(ChatRole.User, "hi")], new ChatOptions { ModelId = "r" }, FallbackFixture.Ct);

        Assert.Equal("small", response.Text);
        Assert.Null(response.GetLlmCallInfo()!.PromptTokens);
    }

    [Fact]
    public async Task GetResponseAsync_OutputReservedFromCapabilitiesThenDefault()
    {
        var f = new RoutingFixture();
        f.Add("capped", o => { o.Model = "gpt-4o"; o.Capabilities.ContextWindow = Exact + 500; o.Capabilities.MaxOutputTokens = 501; });
        f.Add("defaulted", o => { o.Model = "gpt-4o"; o.Capabilities.ContextWindow = Exact + 1023; });
        f.Add("fits", o => { o.Model = "gpt-4o"; o.Capabilities.ContextWindow = Exact + 1024; });
        var router = f.Router(RoutingFixture.Options(o => o.Routes["r"] = RoutingFixture.Route(LlmRoutingStrategy.Ordered, "capped", "defaulted", "fits")));

        var response = await router.GetResponseAsync(Prompt, new ChatOptions { ModelId = "r" }, FallbackFixture.Ct);

        Assert.Equal("fits", response.Text);
    }

    [Fact]
    public async Task GetResponseAsync_ApproximateTokenizer_CountsTheScaledEstimate()
    {
        var f = Fixture(out var router, smallWindow: 10, largeWindow: Approximate + 99, largeModel: "claude-sonnet-4-5");

        var ex = await Assert.ThrowsAsync<LlmContextWindowExceededException>(() => router.GetResponseAsync(Prompt, new ChatOptions { ModelId = "r", MaxOutputTokens = 100 }, FallbackFixture.Ct));

        Assert.Equal(Approximate + 100, ex.RequiredTokens);
        Assert.Equal(Approximate + 99, ex.LargestContextWindow);
        Assert.All(f.Clients.Values, c => Assert.Equal(0, c.CallCount));
    }

    [Fact]
    public async Task GetResponseAsync_NothingFits_ClearExceptionWithTokensNeededAndLargestWindow()
    {
        Fixture(out var router, smallWindow: 500, largeWindow: 800);

        var ex = await Assert.ThrowsAsync<LlmContextWindowExceededException>(() => router.GetResponseAsync(Prompt, new ChatOptions { ModelId = "r", MaxOutputTokens = 10 }, FallbackFixture.Ct));

        Assert.Equal(("r", Exact + 10, 800), (ex.Route, ex.RequiredTokens, ex.LargestContextWindow));
        Assert.Equal(
            $"The request needs {Exact + 10} tokens (prompt plus requested output), more than the largest context window available on route 'r' (800 tokens). Shorten the conversation, lower MaxOutputTokens, or add a larger-context deployment or a context-window fallback route.",
            ex.Message);
        Assert.IsAssignableFrom<LlmException>(ex);
        Assert.Throws<ArgumentNullException>("route", () => new LlmContextWindowExceededException(null!, 1, 1));
    }

    [Fact]
    public async Task GetResponseAsync_MaxOutputTokensNearIntMax_NeverFitsAndNeedsAreSaturated()
    {
        // The prompt plus int.MaxValue output tokens wrapped to a negative count, which "fit" every window.
        var f = Fixture(out var router, smallWindow: 500, largeWindow: 800);

        var ex = await Assert.ThrowsAsync<LlmContextWindowExceededException>(() => router.GetResponseAsync(Prompt, new ChatOptions { ModelId = "r", MaxOutputTokens = int.MaxValue }, FallbackFixture.Ct));

        Assert.Equal((int.MaxValue, 800), (ex.RequiredTokens, ex.LargestContextWindow));
        Assert.All(f.Clients.Values, c => Assert.Equal(0, c.CallCount));
    }

    [Fact]
    public async Task GetResponseAsync_NothingFitsButAFallbackRouteDoes_TakenWithReasonContextWindow()
    {
        Fixture(out var router, smallWindow: 500, largeWindow: 800, o =>
        {
            o.Routes["long"] = RoutingFixture.Route(LlmRoutingStrategy.Ordered, "unknown-window");
            o.ContextWindowFallbacks = ["long"];
        });

        var response = await router.GetResponseAsync(Prompt, new ChatOptions { ModelId = "r" }, FallbackFixture.Ct);

        Assert.Equal("unknown-window", response.Text);
        Assert.Equal(("long", LlmRouteReason.ContextWindow), (response.GetLlmCallInfo()!.Route!.Route, response.GetLlmCallInfo()!.Route!.Reason));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_NothingFits_ThrowsBeforeAnyProviderIsCalled()
    {
        var f = Fixture(out var router, smallWindow: 500, largeWindow: 800);

        Assert.Throws<LlmContextWindowExceededException>(() => router.GetStreamingResponseAsync(Prompt, new ChatOptions { ModelId = "r" }, FallbackFixture.Ct));
        await Task.Yield();
        Assert.All(f.Clients.Values, c => Assert.Equal(0, c.CallCount));
    }
}
