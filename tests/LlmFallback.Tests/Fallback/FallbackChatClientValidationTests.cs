using LlmFallback.Testing;

namespace LlmFallback.Tests.Fallback;

/// <summary>A caller's mistake is never a provider's failure: rejected before any call, never retried, never charged to a breaker.</summary>
public sealed class FallbackChatClientValidationTests
{
    private static CancellationToken Ct => FallbackFixture.Ct;

    public static TheoryData<string, ChatMessage[]> Mistakes => new()
    {
        { "empty", [] },
        { "null message", [new ChatMessage(ChatRole.User, "hi"), null!] },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public async Task GetResponseAsync_CallerMistake_ArgumentExceptionBeforeAnyCall(string what, ChatMessage[] messages)
    {
        var f = new FallbackFixture();
        var a = f.Always(Script.Answer("from a"));
        var b = f.Always(Script.Answer("from b"));
        using var client = f.Client([f.Provider("a", a), f.Provider("b", b)]);

        var error = await Assert.ThrowsAsync<ArgumentException>(nameof(messages), () => client.GetResponseAsync(messages, cancellationToken: Ct));

        Assert.Contains(what == "empty" ? "empty" : "Message 1", error.Message, StringComparison.Ordinal);
        Assert.Equal((0, 0), (a.CallCount, b.CallCount));
    }

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void GetStreamingResponseAsync_CallerMistake_ThrowsAtTheCallNotAtEnumeration(string what, ChatMessage[] messages)
    {
        var f = new FallbackFixture();
        var a = f.Always(Script.Answer("from a"));
        using var client = f.Client([f.Provider("a", a)]);

        Assert.Throws<ArgumentException>(nameof(messages), () => client.GetStreamingResponseAsync(messages, cancellationToken: Ct));
        Assert.Equal(0, a.CallCount);
        Assert.NotNull(what);
    }

    [Fact]
    public async Task GetResponseAsync_RepeatedCallerMistakes_NeverOpenABreaker()
    {
        var f = new FallbackFixture();
        var a = f.Always(Script.Answer("from a"));
        var pa = f.Provider("a", a, o => o.Resilience.CircuitBreaker.ConsecutiveFailures = 1);
        using var client = f.Client([pa]);

        for (var i = 0; i < 50; i++)
        {
            await Assert.ThrowsAsync<ArgumentException>(() => client.GetResponseAsync([], cancellationToken: Ct));
        }

        Assert.Equal(LlmCircuitState.Closed, pa.GetHealth().State);
        Assert.Equal("from a", (await client.GetResponseAsync("a valid request", cancellationToken: Ct)).Text);
    }

    [Fact]
    public async Task GetResponseAsync_LazySequence_EnumeratedOnceAndSentAsIs()
    {
        var f = new FallbackFixture();
        var a = f.Always(Script.Answer("from a"));
        using var client = f.Client([f.Provider("a", a)]);
        var enumerations = 0;
        IEnumerable<ChatMessage> Lazy()
        {
            enumerations++;
            yield return new ChatMessage(ChatRole.User, "hi");
        }

        await client.GetResponseAsync(Lazy(), cancellationToken: Ct);

        Assert.Equal(1, enumerations);
        Assert.Equal("hi", Assert.Single(a.Calls[0].Messages).Text);
    }

    [Fact]
    public async Task GetResponseAsync_AdapterRejectsTheRequestWithArgumentException_SurfacedAsBadRequestWithoutAVerdict()
    {
        var f = new FallbackFixture();
        var rejecting = TestChatClient.Failing(() => new ArgumentOutOfRangeException("options", "seed must fit in 32 bits."));
        var pa = f.Provider("a", rejecting, o => o.Resilience.CircuitBreaker.ConsecutiveFailures = 1);
        var b = f.Always(Script.Answer("from b"));
        using var client = f.Client([pa, f.Provider("b", b)]);

        var error = await Assert.ThrowsAsync<LlmProviderException>(() => client.GetResponseAsync("hi", cancellationToken: Ct));

        Assert.Equal(LlmFailureKind.BadRequest, error.Kind);
        Assert.Equal(1, rejecting.CallCount);
        Assert.Equal(0, b.CallCount);
        Assert.Equal(LlmCircuitState.Closed, pa.GetHealth().State);
    }
}
