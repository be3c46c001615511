using LlmFallback.Testing;

namespace LlmFallback.Tests.Fallback;

/// <summary>Responses say who answered: model id and usage of the answering attempt, and <see cref="LlmCallInfo"/>.</summary>
public sealed class FallbackChatClientCallInfoTests
{
    private static CancellationToken Ct => FallbackFixture.Ct;

    private static UsageDetails Usage(long input, long output) => new() { InputTokenCount = input, OutputTokenCount = output, TotalTokenCount = input + output };

    [Fact]
    public async Task GetResponseAsync_FailedOver_ModelIdAndUsageAreTheAnsweringAttempts()
    {
        var f = new FallbackFixture();
        var primary = f.Always(Script.Status(500));
        var secondary = f.Always(Script.Answer("from b", modelId: "b-2025-01", usage: Usage(11, 7)));
        using var client = f.Client([f.Provider("a", primary, o => (o.Model, o.Resilience.MaxRetries) = ("a-large", 0)), f.Provider("b", secondary)]);

        var response = await client.GetResponseAsync("hi", cancellationToken: Ct);

        Assert.Equal("b-2025-01", response.ModelId);
        Assert.Equal((11L, 7L, 18L), (response.Usage!.InputTokenCount!.Value, response.Usage.OutputTokenCount!.Value, response.Usage.TotalTokenCount!.Value));
        var info = response.GetLlmCallInfo()!;
        Assert.Equal(("b", "b-2025-01"), (info.Provider, info.ModelId));
        Assert.Equal("a-large", info.Attempts[0].ModelId);
    }

    [Fact]
    public async Task GetResponseAsync_ProviderReportsNoModel_ModelIdIsTheConfiguredModel()
    {
        var f = new FallbackFixture();
        var primary = f.Always(Script.Status(500));
        var secondary = new TestChatClient { OnGetResponse = (_, _, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "from b"))) };
        using var client = f.Client([f.Provider("a", primary, o => o.Resilience.MaxRetries = 0), f.Provider("b", secondary, o => o.Model = "b-configured")]);

        var response = await client.GetResponseAsync("hi", cancellationToken: Ct);

        Assert.Equal("b-configured", response.ModelId);
        Assert.Equal("b-configured", response.GetLlmCallInfo()!.ModelId);
    }

    [Fact]
    public async Task GetResponseAsync_AfterTimeoutAndRetry_CallInfoListsEveryAttemptWithFakeClockDurations()
    {
        var f = new FallbackFixture();
        var primary = f.Always(Script.Hang());
        var secondary = f.Script(Script.Status(429, retryAfter: TimeSpan.FromSeconds(2)), Script.Answer("from b").WithFirstTokenDelay(TimeSpan.FromSeconds(3)));
        using var client = f.Client([f.Provider("a", primary, o => o.Resilience.AttemptTimeout = TimeSpan.FromSeconds(10)), f.Provider("b", secondary)]);

        var task = client.GetResponseAsync("hi", cancellationToken: Ct);
        await f.ExpectCallAfterAsync(secondary, TimeSpan.FromSeconds(10));
        await f.ExpectCallAfterAsync(secondary, TimeSpan.FromSeconds(2));
        f.Advance(TimeSpan.FromSeconds(3));
        var response = await Poll.CompletesAsync(task);

        var info = response.GetLlmCallInfo()!;
        Assert.Equal(("b", 3, LlmFailureKind.Timeout, true, false), (info.Provider, info.AttemptCount, info.FallbackReason!.Value, info.IsFallback, info.Rescued));
        Assert.Equal(
        [
            ("a", (LlmFailureKind?)LlmFailureKind.Timeout, (int?)null, TimeSpan.FromSeconds(10), LlmAttemptDecision.FailedOver),
            ("b", LlmFailureKind.RateLimited, 429, TimeSpan.Zero, LlmAttemptDecision.Retried),
            ("b", null, null, TimeSpan.FromSeconds(3), LlmAttemptDecision.Answered),
        ],
        info.Attempts.Select(x => (x.Provider, x.Kind, x.StatusCode, x.Duration, x.Decision)));
        Assert.True(info.Attempts[2].Succeeded);
        Assert.Equal("b (b-model) answered after 3 attempts; fell back because of Timeout", info.ToString());
    }

    [Fact]
    public async Task GetResponseAsync_FirstProviderAnswersLater_CallInfoHasOneAttemptWithItsDuration()
    {
        var f = new FallbackFixture();
        var primary = f.Always(Script.Answer("slow").WithFirstTokenDelay(TimeSpan.FromSeconds(4)));
        using var client = f.Client([f.Provider("a", primary)]);

        var task = client.GetResponseAsync("hi", cancellationToken: Ct);
        f.Advance(TimeSpan.FromSeconds(4));
        var info = (await Poll.CompletesAsync(task)).GetLlmCallInfo()!;

        Assert.Equal(("a", 1, (LlmFailureKind?)null, false), (info.Provider, info.AttemptCount, info.FallbackReason, info.IsFallback));
        var only = Assert.Single(info.Attempts);
        Assert.Equal((TimeSpan.FromSeconds(4), LlmAttemptDecision.Answered), (only.Duration, only.Decision));
    }

    [Fact]
    public async Task GetResponseAsync_FirstProviderAnswersAtOnce_CallInfoHasOneAnsweredAttempt()
    {
        var f = new FallbackFixture();
        using var client = f.Client([f.Provider("a", f.Always(Script.Answer("fast", modelId: "a-v2")))]);

        var info = (await client.GetResponseAsync("hi", cancellationToken: Ct)).GetLlmCallInfo()!;

        Assert.Equal(("a", "a-v2", 1), (info.Provider, info.ModelId, info.AttemptCount));
        Assert.Equal(("a", "a-v2", LlmAttemptDecision.Answered, TimeSpan.Zero), (info.Attempts[0].Provider, info.Attempts[0].ModelId, info.Attempts[0].Decision, info.Attempts[0].Duration));
        Assert.Equal("a (a-v2) answered", info.ToString());
    }

    [Fact]
    public async Task GetResponseAsync_ConfiguredModels_OverrideCallerModelPerAttemptWithoutMutatingCallerOptions()
    {
        var f = new FallbackFixture();
        var primary = f.Always(Script.Status(500));
        var secondary = f.Always(Script.Status(500));
        var unconfigured = f.Always(Script.Answer("from c"));
        using var client = f.Client(
        [
            f.Provider("a", primary, o => (o.Model, o.Resilience.MaxRetries) = ("a-model", 0)),
            f.Provider("b", secondary, o => (o.Model, o.Resilience.MaxRetries) = ("b-model", 0)),
            f.Provider("c", unconfigured, o => o.Model = null),
        ]);
        var options = new ChatOptions { ModelId = "caller-model", Temperature = 0.25f, MaxOutputTokens = 99 };

        var response = await client.GetResponseAsync("hi", options, Ct);

        Assert.Equal(("a-model", 0.25f, 99), (primary.Calls[0].Options!.ModelId, primary.Calls[0].Options!.Temperature!.Value, primary.Calls[0].Options!.MaxOutputTokens!.Value));
        Assert.Equal("b-model", secondary.Calls[0].Options!.ModelId);
        Assert.Equal("caller-model", unconfigured.Calls[0].Options!.ModelId);
        Assert.Equal(("caller-model", 0.25f, 99), (options.ModelId, options.Temperature!.Value, options.MaxOutputTokens!.Value));
        Assert.Equal("caller-model", response.ModelId);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ConfiguredModel_OverridesCallerModelWithoutMutatingCallerOptions()
    {
        var f = new FallbackFixture();
        var primary = f.Always(Script.Answer("streamed"));
        using var client = f.Client([f.Provider("a", primary, o => o.Model = "a-model")]);
        var options = new ChatOptions { ModelId = "caller-model" };

        var result = await StreamResult.DrainAsync(client.GetStreamingResponseAsync("hi", options, Ct));

        Assert.Null(result.Error);
        Assert.Equal("a-model", primary.Calls[0].Options!.ModelId);
        Assert.Equal("caller-model", options.ModelId);
        Assert.Equal("a-model", result.ToResponse().ModelId);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_FailedOver_FinalUpdateCarriesCallInfoAndUsageIsTheAnsweringAttempts()
    {
        var f = new FallbackFixture();

        // The first provider streams its answer and usage but never finishes: nothing of it may count.
        var primary = new TestChatClient
        {
            OnGetStreamingResponse = (_, _, ct) => TestChatClient.Stream(
                ct, "a-v1", ["held back text", string.Empty], finish: false, lastContents: [new UsageContent(Usage(1000, 1000))]),
        };
        var secondary = f.Always(Script.Answer("from b", modelId: "b-v2", usage: Usage(11, 7)));
        using var client = f.Client(
            [f.Provider("a", primary, o => o.Resilience.MaxRetries = 0), f.Provider("b", secondary)],
            FallbackFixture.Options(o => o.Streaming.HoldbackUntilComplete = true));

        var result = await StreamResult.DrainAsync(client.GetStreamingResponseAsync("hi", cancellationToken: Ct));

        Assert.Null(result.Error);
        var final = result.Updates[^1];
        var info = final.GetLlmCallInfo()!;
        Assert.Equal(("b", "b-v2", 2, LlmFailureKind.Transport), (info.Provider, info.ModelId, info.AttemptCount, info.FallbackReason!.Value));
        Assert.Equal("b-v2", final.ModelId);
        Assert.All(result.Updates.Take(result.Updates.Count - 1), u => Assert.Null(u.GetLlmCallInfo()));

        var response = result.ToResponse();
        Assert.Equal("from b", response.Text);
        Assert.Equal("b-v2", response.ModelId);
        Assert.Same(info, response.GetLlmCallInfo());
        Assert.Equal((11L, 7L), (response.Usage!.InputTokenCount!.Value, response.Usage.OutputTokenCount!.Value));
        Assert.Single(response.Messages);
    }
}
