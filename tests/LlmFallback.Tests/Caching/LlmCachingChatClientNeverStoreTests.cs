namespace LlmFallback.Tests.Caching;

/// <summary>What the cache must never keep: errors, cut or filtered answers, marked answers, tool calls.</summary>
public sealed class LlmCachingChatClientNeverStoreTests
{
    private static CancellationToken Ct => CacheFixture.Ct;

    public static TheoryData<string> Rejected => ["content_filter", "length", "error_content", "tool_call", "marked", "marked_message", "empty"];

    [Theory]
    [MemberData(nameof(Rejected))]
    public async Task GetResponseAsync_AnswerThatMustNotBeCached_IsNotStored(string kind)
    {
        using var f = new CacheFixture();
        f.Upstream.Respond = _ => kind switch
        {
            "content_filter" => CountingClient.Answer("partial", ChatFinishReason.ContentFilter),
            "length" => CountingClient.Answer("cut off", ChatFinishReason.Length),
            "error_content" => new ChatResponse(new ChatMessage(ChatRole.Assistant, [new ErrorContent("upstream said no")])) { FinishReason = ChatFinishReason.Stop },
            "tool_call" => new ChatResponse(new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("c1", "get_weather")])) { FinishReason = ChatFinishReason.ToolCalls },
            "marked" => Marked(CountingClient.Answer("flagged")),
            "marked_message" => MarkedMessage(CountingClient.Answer("flagged")),
            _ => new ChatResponse(new ChatMessage(ChatRole.Assistant, string.Empty)) { FinishReason = ChatFinishReason.Stop },
        };
        using var client = f.Client();

        await client.GetResponseAsync("q", cancellationToken: Ct);
        var second = await client.GetResponseAsync("q", cancellationToken: Ct);

        Assert.Equal(2, f.Upstream.Calls);
        Assert.False(second.GetLlmCallInfo()?.CacheHit ?? false);
    }

    [Fact]
    public async Task GetResponseAsync_ToolCallsWithCacheToolCalls_AreStored()
    {
        using var f = new CacheFixture();
        f.Upstream.Respond = _ => new ChatResponse(new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("c1", "get_weather")])) { FinishReason = ChatFinishReason.ToolCalls };
        using var client = f.Client(new LlmCachingOptions { CacheToolCalls = true });

        await client.GetResponseAsync("q", cancellationToken: Ct);
        var hit = await client.GetResponseAsync("q", cancellationToken: Ct);

        Assert.Equal(1, f.Upstream.Calls);
        Assert.IsType<FunctionCallContent>(Assert.Single(hit.Messages[0].Contents));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CachedToolCall_UnderFunctionInvocation_IsInvokedOnEveryHit(bool streaming)
    {
        // FunctionInvokingChatClient marks the calls it has run InformationalOnly. The stored call was the very instance
        // the caller received, so the mark reached the cache and every later hit came back as a call to be ignored:
        // the function never ran again and the caller got the bare tool-call answer.
        using var f = new CacheFixture();
        f.Upstream.Respond = n => n == 1
            ? new ChatResponse(new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("c1", "lookup", new Dictionary<string, object?> { ["x"] = "1" })])) { FinishReason = ChatFinishReason.ToolCalls }
            : CountingClient.Answer("done");
        using var cache = f.Client(new LlmCachingOptions { CacheToolCalls = true });
        using var invoking = new FunctionInvokingChatClient(cache);
        var invoked = 0;
        var options = new ChatOptions { Tools = [AIFunctionFactory.Create((string x) => { invoked++; return "r" + x; }, "lookup")] };
        async Task<ChatResponse> Ask() => streaming
            ? await invoking.GetStreamingResponseAsync("q", options, Ct).ToChatResponseAsync(Ct)
            : await invoking.GetResponseAsync("q", options, Ct);

        var first = await Ask();
        var second = await Ask();

        Assert.Equal(("done", "done"), (first.Text, second.Text));
        Assert.Equal(2, invoked);
        Assert.Equal(2, f.Upstream.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_UpstreamThrows_NothingStoredAndNextCallGoesUpstream()
    {
        using var f = new CacheFixture();
        f.Upstream.Respond = n => n == 1 ? throw new HttpRequestException("boom") : CountingClient.Answer("ok");
        using var client = f.Client();

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetResponseAsync("q", cancellationToken: Ct));
        var second = await client.GetResponseAsync("q", cancellationToken: Ct);

        Assert.Equal("ok", second.Text);
        Assert.Equal(2, f.Upstream.Calls);
    }

    [Fact]
    public async Task DoNotCacheAsync_AfterStore_RemovesTheEntry()
    {
        using var f = new CacheFixture();
        using var client = f.Client();

        var first = await client.GetResponseAsync("q", cancellationToken: Ct);
        await first.DoNotCacheAsync(Ct);
        var second = await client.GetResponseAsync("q", cancellationToken: Ct);

        Assert.Equal(2, f.Upstream.Calls);
        Assert.False(second.GetLlmCallInfo()?.CacheHit ?? false);
        Assert.Equal(true, first.AdditionalProperties![LlmCacheResponseExtensions.DoNotCacheKey]);
    }

    [Fact]
    public async Task DoNotCacheAsync_OnAHitFromTheFallbackStage_RemovesTheEntry()
    {
        using var f = new CacheFixture();
        f.Upstream.Respond = n =>
        {
            var r = CountingClient.Answer("answer " + n);
            r.SetLlmCallInfo(new LlmCallInfo("p", "m", TimeSpan.Zero));
            return r;
        };
        using var client = f.Client();
        var stored = await client.GetResponseAsync("q", cancellationToken: Ct);
        Assert.Same(stored.GetLlmCallInfo(), stored.GetLlmCallInfo());

        var hit = await client.GetResponseAsync("q", cancellationToken: Ct);
        await hit.DoNotCacheAsync(Ct);
        await client.GetResponseAsync("q", cancellationToken: Ct);

        Assert.Equal(2, f.Upstream.Calls);
    }

    [Fact]
    public async Task DoNotCacheAsync_NullOrUncachedAnswer_ThrowsOrDoesNothing()
    {
        await Assert.ThrowsAsync<ArgumentNullException>("response", () => LlmCacheResponseExtensions.DoNotCacheAsync((ChatResponse)null!, Ct).AsTask());
        await Assert.ThrowsAsync<ArgumentNullException>("update", () => LlmCacheResponseExtensions.DoNotCacheAsync((ChatResponseUpdate)null!, Ct).AsTask());
        var loose = new ChatResponse(new ChatMessage(ChatRole.Assistant, "x"));

        await loose.DoNotCacheAsync(Ct);

        Assert.Equal(true, loose.AdditionalProperties![LlmCacheResponseExtensions.DoNotCacheKey]);
    }

    private static ChatResponse Marked(ChatResponse response)
    {
        (response.AdditionalProperties ??= [])[LlmCacheResponseExtensions.DoNotCacheKey] = true;
        return response;
    }

    private static ChatResponse MarkedMessage(ChatResponse response)
    {
        (response.Messages[0].AdditionalProperties ??= [])[LlmCacheResponseExtensions.DoNotCacheKey] = "moderation";
        return response;
    }
}
