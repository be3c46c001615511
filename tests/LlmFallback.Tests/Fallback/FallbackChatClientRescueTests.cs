using System.Net.Http;
using LlmFallback.Testing;

namespace LlmFallback.Tests.Fallback;

/// <summary>Streams that fail after output was committed: continued on a prefill-capable provider, or a clean partial error.</summary>
public sealed class FallbackChatClientRescueTests
{
    private static CancellationToken Ct => FallbackFixture.Ct;

    private static void Prefill(LlmProviderOptions o) => o.Capabilities.PrefillContinuation = true;

    [Fact]
    public async Task GetStreamingResponseAsync_CutAfterCommit_ContinuesOnPrefillProviderAsOneMessage()
    {
        var f = new FallbackFixture();
        var primary = f.Always(Script.Answer("The quick brown", modelId: "a-v1").ThenCut());
        var noPrefill = f.Always(Script.Answer("from b"));
        var continuer = f.Always(Script.Answer(" fox jumps.", modelId: "c-v1"));
        using var client = f.Client([f.Provider("a", primary), f.Provider("b", noPrefill), f.Provider("c", continuer, Prefill)]);

        var result = await StreamResult.DrainAsync(client.GetStreamingResponseAsync([new(ChatRole.System, "Be brief."), new(ChatRole.User, "Tell me.")], cancellationToken: Ct));

        Assert.Null(result.Error);
        Assert.Equal("The quick brown fox jumps.", result.Text);
        var response = result.ToResponse();
        var message = Assert.Single(response.Messages);
        Assert.Equal((ChatRole.Assistant, "The quick brown fox jumps."), (message.Role, message.Text));

        // The continuation provider got the conversation plus the partial answer as a trailing assistant message.
        var sent = continuer.Calls[0].Messages;
        Assert.Equal(
            [(ChatRole.System, "Be brief."), (ChatRole.User, "Tell me."), (ChatRole.Assistant, "The quick brown")],
            sent.Select(m => (m.Role, m.Text)));
        Assert.Equal((1, 0, 1), (primary.CallCount, noPrefill.CallCount, continuer.CallCount));

        var info = response.GetLlmCallInfo()!;
        Assert.Equal(("c", true, 2, LlmFailureKind.Transport), (info.Provider, info.Rescued, info.AttemptCount, info.FallbackReason!.Value));
        Assert.Equal(
            [("a", LlmAttemptDecision.Rescued), ("b", LlmAttemptDecision.Skipped), ("c", LlmAttemptDecision.Answered)],
            info.Attempts.Select(x => (x.Provider, x.Decision)));
        Assert.Equal("no_prefill_continuation", info.Attempts[1].Failure!.ErrorCode);
        Assert.Contains("stream rescued", info.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_FailedProviderCanContinue_RetriesItWithThePrefill()
    {
        var f = new FallbackFixture();
        var primary = f.Script(Script.Answer("The quick").ThenCut(), Script.Answer(" brown fox."));
        var secondary = f.Always(Script.Answer("from b"));
        using var client = f.Client([f.Provider("a", primary, Prefill), f.Provider("b", secondary, Prefill)], jitter: 0);

        var result = await StreamResult.DrainAsync(client.GetStreamingResponseAsync("Tell me.", cancellationToken: Ct));

        Assert.Null(result.Error);
        Assert.Equal("The quick brown fox.", Assert.Single(result.ToResponse().Messages).Text);
        Assert.Equal((ChatRole.Assistant, "The quick"), (primary.Calls[1].Messages[^1].Role, primary.Calls[1].Messages[^1].Text));
        var info = result.ToResponse().GetLlmCallInfo()!;
        Assert.Equal(("a", true), (info.Provider, info.Rescued));
        Assert.Equal([LlmAttemptDecision.Retried, LlmAttemptDecision.Answered], info.Attempts.Select(x => x.Decision));
        Assert.Equal(0, secondary.CallCount);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_CallerSuppliedPrefill_PartialAnswerExtendsIt()
    {
        var f = new FallbackFixture();
        var primary = f.Always(Script.Answer(" 42 because").ThenCut());
        var continuer = f.Always(Script.Answer(" it is."));
        using var client = f.Client([f.Provider("a", primary), f.Provider("c", continuer, Prefill)]);

        var result = await StreamResult.DrainAsync(client.GetStreamingResponseAsync([new(ChatRole.User, "Answer?"), new(ChatRole.Assistant, "Answer:")], cancellationToken: Ct));

        Assert.Null(result.Error);
        Assert.Equal(" 42 because it is.", result.Text);
        Assert.Equal(
            [(ChatRole.User, "Answer?"), (ChatRole.Assistant, "Answer: 42 because")],
            continuer.Calls[0].Messages.Select(m => (m.Role, m.Text)));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_StallAfterCommit_IdleTimeoutThenRescued()
    {
        var f = new FallbackFixture();
        var stalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var primary = TestChatClient.Streaming([TestChatClient.Text("Once upon"), TestChatClient.Text(" a time")], TestChatClient.Stall(stalled));
        var continuer = f.Always(Script.Answer(" there was a fox."));
        using var client = f.Client(
            [f.Provider("a", primary), f.Provider("c", continuer, Prefill)],
            FallbackFixture.Options(o => o.Streaming.IdleTimeout = TimeSpan.FromSeconds(4)));

        var drain = StreamResult.DrainAsync(client.GetStreamingResponseAsync("Tell me.", cancellationToken: Ct));
        await stalled.Task.WaitAsync(Ct);
        await f.ExpectCallAfterAsync(continuer, TimeSpan.FromSeconds(4));
        var result = await Poll.CompletesAsync(drain);

        Assert.Null(result.Error);
        Assert.Equal("Once upon a time there was a fox.", Assert.Single(result.ToResponse().Messages).Text);
        var failed = result.ToResponse().GetLlmCallInfo()!.Attempts[0];
        Assert.Equal((LlmFailureKind.Timeout, "idle_timeout", LlmAttemptDecision.Rescued), (failed.Kind!.Value, failed.Failure!.ErrorCode, failed.Decision));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_NoPrefillCapableProvider_ThrowsPartialResponseException()
    {
        var f = new FallbackFixture();
        var primary = f.Always(Script.Answer("The quick brown").ThenCut());
        var secondary = f.Always(Script.Answer("from b"));
        using var client = f.Client([f.Provider("a", primary), f.Provider("b", secondary)]);

        var result = await StreamResult.DrainAsync(client.GetStreamingResponseAsync("Tell me.", cancellationToken: Ct));

        var error = Assert.IsType<LlmPartialResponseException>(result.Error);
        Assert.Equal(("a", 15, LlmFailureKind.Transport), (error.Provider, error.CommittedCharacters, error.Failure.Kind));
        Assert.Equal("The quick brown", result.Text);
        Assert.Equal(0, secondary.CallCount);
        Assert.All(result.Updates, u => Assert.Null(u.GetLlmCallInfo()));

        // Nothing continued the stream, so no attempt may claim it did.
        Assert.Equal([("a", LlmAttemptDecision.Surfaced), ("b", LlmAttemptDecision.Skipped)], error.Attempts.Select(x => (x.Provider, x.Decision)));
        Assert.DoesNotContain("rescued", error.Message, StringComparison.Ordinal);
        Assert.Contains("partial", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_RescueNone_ThrowsPartialWithoutAskingPrefillProvider()
    {
        var f = new FallbackFixture();
        var primary = f.Always(Script.Answer("The quick brown").ThenCut());
        var continuer = f.Always(Script.Answer(" fox."));
        using var client = f.Client(
            [f.Provider("a", primary), f.Provider("c", continuer, Prefill)],
            FallbackFixture.Options(o => o.Streaming.Rescue = StreamRescueMode.None));

        var result = await StreamResult.DrainAsync(client.GetStreamingResponseAsync("Tell me.", cancellationToken: Ct));

        Assert.Equal(15, Assert.IsType<LlmPartialResponseException>(result.Error).CommittedCharacters);
        Assert.Equal(0, continuer.CallCount);
        Assert.Equal(1, primary.CallCount);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ToolCallCommitted_ThrowsPartialWithoutAskingPrefillProvider()
    {
        var f = new FallbackFixture();
        var toolCall = new ChatResponseUpdate(ChatRole.Assistant, [new FunctionCallContent("call-1", "get_weather", new Dictionary<string, object?> { ["city"] = "Oslo" })]) { MessageId = "m1" };
        var primary = TestChatClient.Streaming([toolCall], TestChatClient.Cut);
        var continuer = f.Always(Script.Answer(" fox."));
        using var client = f.Client([f.Provider("a", primary), f.Provider("c", continuer, Prefill)]);

        var result = await StreamResult.DrainAsync(client.GetStreamingResponseAsync("Weather?", cancellationToken: Ct));

        var error = Assert.IsType<LlmPartialResponseException>(result.Error);
        Assert.Equal(0, error.CommittedCharacters);
        Assert.IsType<FunctionCallContent>(Assert.Single(result.Updates).Contents[0]);
        Assert.Equal(0, continuer.CallCount);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ContentPolicyAfterCommit_ThrowsPartialByDefault()
    {
        var f = new FallbackFixture();
        var primary = TestChatClient.Streaming(
            [TestChatClient.Text("Here is how")],
            _ => Task.FromException(new LlmProviderException(LlmFailureKind.ContentPolicy, "a", 400, null, "content_filter")));
        var continuer = f.Always(Script.Answer(" to do it."));
        using var client = f.Client([f.Provider("a", primary), f.Provider("c", continuer, Prefill)]);

        var result = await StreamResult.DrainAsync(client.GetStreamingResponseAsync("How?", cancellationToken: Ct));

        var error = Assert.IsType<LlmPartialResponseException>(result.Error);
        Assert.Equal(LlmFailureKind.ContentPolicy, error.Failure.Kind);
        Assert.Equal(0, continuer.CallCount);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_AttemptBudgetSpentAfterCommit_ThrowsPartialNotExhausted()
    {
        var f = new FallbackFixture();
        var primary = f.Always(Script.Answer("The quick").ThenCut());
        var continuer = f.Always(Script.Answer(" brown").ThenCut());
        var last = f.Always(Script.Answer(" fox."));
        using var client = f.Client(
            [f.Provider("a", primary), f.Provider("b", continuer, o => (o.Capabilities.PrefillContinuation, o.Resilience.MaxRetries) = (true, 0)), f.Provider("c", last, Prefill)],
            FallbackFixture.Options(o => o.MaxAttemptsPerRequest = 2));

        var result = await StreamResult.DrainAsync(client.GetStreamingResponseAsync("Tell me.", cancellationToken: Ct));

        var error = Assert.IsType<LlmPartialResponseException>(result.Error);
        Assert.Equal(("b", 15), (error.Provider, error.CommittedCharacters));
        Assert.Equal("The quick brown", result.Text);
        Assert.Equal((1, 1, 0), (primary.CallCount, continuer.CallCount, last.CallCount));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_RestartThenRescue_CallerStillGetsOneMessage()
    {
        // a commits only an empty role update and fails (a clean restart); b streams text and is cut; c continues it.
        var f = new FallbackFixture();
        var primary = TestChatClient.Streaming([new ChatResponseUpdate(ChatRole.Assistant, string.Empty) { MessageId = "a-msg", ResponseId = "a-resp" }], TestChatClient.Cut);
        var middle = TestChatClient.Streaming([TestChatClient.Text("The quick", "b-msg"), TestChatClient.Text(" brown", "b-msg")], TestChatClient.Cut);
        var continuer = TestChatClient.Streaming([TestChatClient.Text(" fox.", "c-msg"), TestChatClient.Finish("c-msg")]);
        using var client = f.Client(
            [f.Provider("a", primary, o => o.Resilience.MaxRetries = 0), f.Provider("b", middle, o => o.Resilience.MaxRetries = 0), f.Provider("c", continuer, Prefill)]);

        var result = await StreamResult.DrainAsync(client.GetStreamingResponseAsync("Tell me.", cancellationToken: Ct));

        Assert.Null(result.Error);
        Assert.Equal(("user", "The quick brown"), (continuer.Calls[0].Messages[0].Role.Value, continuer.Calls[0].Messages[^1].Text));
        var message = Assert.Single(result.ToResponse().Messages);
        Assert.Equal("The quick brown fox.", message.Text);
        Assert.True(result.ToResponse().GetLlmCallInfo()!.Rescued);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_PartialAfterSecretBearingFailure_MessageAndLogsHaveNoSecret()
    {
        var f = new FallbackFixture();
        var primary = TestChatClient.Streaming(
            [TestChatClient.Text("Part of")],
            _ => Task.FromException(new HttpRequestException($"connection reset; Authorization: Bearer {FallbackFixture.FakeKey}")));
        using var client = f.Client([f.Provider("a", primary, o => o.ApiKey = FallbackFixture.FakeKey)]);

        var result = await StreamResult.DrainAsync(client.GetStreamingResponseAsync("hi", cancellationToken: Ct));

        var error = Assert.IsType<LlmPartialResponseException>(result.Error);
        Assert.DoesNotContain(FallbackFixture.FakeKey, error.Message, StringComparison.Ordinal);
        Assert.Equal(1, f.Logged("StreamPartial"));
        Assert.All(f.Logs.GetSnapshot(), r => Assert.DoesNotContain(FallbackFixture.FakeKey, r.Message, StringComparison.Ordinal));
    }
    [Fact]
    public async Task GetStreamingResponseAsync_CommittedStreamFailsOnAProviderThatCannotContinue_DrawsNoRetryFromTheBudget()
    {
        var f = new FallbackFixture();
        var a = f.Always(Script.Answer("the first half").ThenCut());
        var b = f.Always(Script.Answer(" and the rest"));
        var budget = new LlmRetryBudget(timeProvider: f.Time);
        using var client = f.Client(
            [f.Provider("a", a, o => o.Resilience.MaxRetries = 2), f.Provider("b", b, o => o.Capabilities.PrefillContinuation = true)],
            budget: budget);

        var result = await StreamResult.DrainAsync(client.GetStreamingResponseAsync("hi", cancellationToken: Ct));

        Assert.Null(result.Error);
        Assert.Equal(1, a.CallCount);
        Assert.Equal(LlmAttemptDecision.Rescued, result.ToResponse().GetLlmCallInfo()!.Attempts[0].Decision);
        Assert.Equal(0, budget.GetCounts().Retries);
    }
}
