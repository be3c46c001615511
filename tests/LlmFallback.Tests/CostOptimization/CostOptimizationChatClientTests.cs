using LlmFallback.Tests.Metering;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static LlmFallback.Tests.Metering.MeteringTestKit;

namespace LlmFallback.Tests.CostOptimization;

public sealed class CostOptimizationChatClientTests
{
    [Fact]
    public async Task GetResponseAsync_NoMaxOutputTokens_SetsTheRouteDefaultOnACopy()
    {
        var inner = Answering("Hi", "gpt-4o", null);
        var options = new CostOptimizationOptions { DefaultMaxOutputTokens = 500 };
        options.MaxOutputTokens["fast"] = 200;
        using var client = new CostOptimizationChatClient(inner, options);
        var fast = new ChatOptions { ModelId = "FAST" };

        await client.GetResponseAsync(Prompt(), fast, Ct);
        await client.GetResponseAsync(Prompt(), new ChatOptions { ModelId = "smart" }, Ct);
        await client.GetResponseAsync(Prompt(), new ChatOptions { ModelId = "fast", MaxOutputTokens = 50 }, Ct);
        await client.GetResponseAsync(Prompt(), null, Ct);

        Assert.Equal([200, 500, 50, 500], inner.Options.Select(o => o!.MaxOutputTokens));
        Assert.Null(fast.MaxOutputTokens);
    }

    [Fact]
    public async Task GetResponseAsync_CompactionAndHistory_ReportTokensSaved()
    {
        var inner = Answering("Hi", "gpt-4o", null);
        using var metered = new CostMeteringChatClient(inner);
        using var client = new CostOptimizationChatClient(metered, new CostOptimizationOptions { MaxHistoryMessages = 1 });
        var history = ChatHistory.WithToolTurn();
        history[0] = new ChatMessage(ChatRole.System, "You are   a weather bot.\n\n\n\n");
        var request = new ChatOptions { ModelId = "gpt-4o" };
        var counter = LlmTokenCounter.ForModel("gpt-4o");

        var response = await client.GetResponseAsync(history, request, Ct);

        var sent = Assert.Single(inner.Messages);
        Assert.Equal(["You are a weather bot.", "And tomorrow?"], sent.Select(m => m.Text));
        Assert.Equal(counter.CountTokens(history, request) - counter.CountTokens(sent, request), response.GetLlmCallInfo()!.TokensSaved);
    }

    [Fact]
    public async Task GetResponseAsync_ContextSelectionRecorded_IsAddedToTokensSaved()
    {
        using var client = new CostOptimizationChatClient(new CostMeteringChatClient(Answering("Hi", "gpt-4o", null)), new CostOptimizationOptions { CompactWhitespace = false, RemoveDuplicateSystemMessages = false });
        var selection = LlmContextSelector.Select([new LlmContextChunk("left out entirely", 1)], 0);

        var response = await client.GetResponseAsync(Prompt(), selection.RecordIn(new ChatOptions()), Ct);

        Assert.Equal(selection.TokensSaved, response.GetLlmCallInfo()!.TokensSaved);
    }

    [Fact]
    public async Task GetResponseAsync_ExtraReducer_RunsAfterTheConfiguredOnes()
    {
        var inner = Answering("Hi", "gpt-4o", null);
        using var client = new CostOptimizationChatClient(inner, null, new LlmKeepLastMessagesChatReducer(1));

        await client.GetResponseAsync(ChatHistory.WithToolTurn(), null, Ct);

        Assert.Equal(2, Assert.Single(inner.Messages).Count);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_Compaction_AnnotatesTheFinalUpdate()
    {
        var inner = Answering("Hello there", "gpt-4o", Usage(5, 5));
        using var client = new CostOptimizationChatClient(new CostMeteringChatClient(inner));

        LlmCallInfo? info = null;
        await foreach (var update in client.GetStreamingResponseAsync(Prompt("Please    answer   now."), null, Ct))
        {
            info = update.GetLlmCallInfo() ?? info;
        }

        Assert.Equal("Please answer now.", Assert.Single(inner.Messages)[0].Text);
        Assert.True(info!.TokensSaved > 0);
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsNamingTheKey()
    {
        var options = new CostOptimizationOptions { MaxHistoryTokens = 0 };
        options.MaxOutputTokens["fast"] = -1;

        var ex = Assert.Throws<ArgumentException>(() => new CostOptimizationChatClient(Answering("x", null, null), options));

        Assert.StartsWith("CostOptimization:MaxOutputTokens:fast must be positive (was -1). CostOptimization:MaxHistoryTokens must be positive (was 0).", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_Defaults_CompactOnly()
    {
        var options = new CostOptimizationOptions();

        Assert.Null(options.DefaultMaxOutputTokens);
        Assert.Empty(options.MaxOutputTokens);
        Assert.True(options.CompactWhitespace);
        Assert.True(options.RemoveDuplicateSystemMessages);
        Assert.Null(options.MaxHistoryMessages);
        Assert.Null(options.MaxHistoryTokens);
    }

    [Fact]
    public void AddCostOptimization_Configuration_BindsAndValidates()
    {
        var config = new TestConfiguration(
            ("Llm:CostOptimization:DefaultMaxOutputTokens", "800"),
            ("Llm:CostOptimization:MaxOutputTokens:fast", "200"),
            ("Llm:CostOptimization:MaxHistoryTokens", "4000"));
        using var sp = new ServiceCollection().AddCostOptimization(config.Llm).BuildServiceProvider();

        var options = sp.GetRequiredService<IOptions<CostOptimizationOptions>>().Value;

        Assert.Equal((800, 200, 4000), (options.DefaultMaxOutputTokens, options.MaxOutputTokens["FAST"], options.MaxHistoryTokens));

        var bad = new TestConfiguration(("Llm:CostOptimization:MaxHistoryMessages", "0"));
        using var badSp = new ServiceCollection().AddCostOptimization(bad.Llm).BuildServiceProvider();
        Assert.Equal("Llm:CostOptimization:MaxHistoryMessages must be positive (was 0).", Assert.Throws<OptionsValidationException>(() => badSp.GetRequiredService<IOptions<CostOptimizationOptions>>().Value).Message);
    }

    [Fact]
    public async Task UseCostOptimization_FromServices_AppliesTheRegisteredOptions()
    {
        var inner = Answering("Hi", "gpt-4o", null);
        var services = new ServiceCollection().AddCostOptimization(o => o.DefaultMaxOutputTokens = 64);
        services.AddChatClient(inner).UseCostOptimization();
        using var sp = services.BuildServiceProvider();

        await sp.GetRequiredService<IChatClient>().GetResponseAsync(Prompt(), null, Ct);

        Assert.Equal(64, Assert.Single(inner.Options)!.MaxOutputTokens);
    }

    [Fact]
    public async Task PublicMembers_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => new CostOptimizationChatClient(null!));
        using var client = new CostOptimizationChatClient(Answering("x", null, null));
        await Assert.ThrowsAsync<ArgumentNullException>(() => client.GetResponseAsync(null!, null, Ct));
        Assert.Throws<ArgumentNullException>(() => client.GetStreamingResponseAsync(null!, null, Ct));
        Assert.Throws<ArgumentNullException>(() => CostOptimizationChatClientBuilderExtensions.UseCostOptimization(null!));
        Assert.Throws<ArgumentNullException>(() => CostOptimizationServiceCollectionExtensions.AddCostOptimization(null!));
    }
}
