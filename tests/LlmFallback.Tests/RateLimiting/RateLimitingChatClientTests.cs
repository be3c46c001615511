using LlmFallback.Tests.Metering;
using Microsoft.Extensions.Time.Testing;
using static LlmFallback.Tests.Metering.MeteringTestKit;

namespace LlmFallback.Tests.RateLimiting;

public sealed class RateLimitingChatClientTests : IDisposable
{
    private readonly FakeTimeProvider _time = new();
    private readonly RecordingAuditSink _audit = new();
    private readonly InMemoryRateLimitStore _store;

    public RateLimitingChatClientTests()
    {
        _store = new InMemoryRateLimitStore(_time);
    }

    public void Dispose() => _store.Dispose();

    private RateLimitingChatClient Client(IChatClient inner, Action<RateLimitingOptions> configure)
    {
        var options = new RateLimitingOptions();
        configure(options);
        return new RateLimitingChatClient(inner, _store, options, _audit, _time);
    }

    [Fact]
    public async Task GetResponseAsync_RequestsPerMinute_RefusesWithRetryAfterAndAudits()
    {
        var inner = Answering("Hi", "gpt-4o", Usage(10, 10));
        using var client = Client(inner, o => o.PerUser.RequestsPerMinute = 2);
        var request = new ChatOptions().WithUser("u1").WithTenant("t1");

        await client.GetResponseAsync(Prompt(), request, Ct);
        await client.GetResponseAsync(Prompt(), request, Ct);
        var ex = await Assert.ThrowsAsync<RateLimitedException>(() => client.GetResponseAsync(Prompt(), request, Ct));

        Assert.Equal(2, inner.CallCount);
        Assert.Equal(LlmRateLimitScope.User, ex.Scope);
        Assert.Equal(LlmRateLimitKind.Requests, ex.Kind);
        Assert.Equal(2, ex.PermitLimit);
        Assert.Equal(TimeSpan.FromSeconds(30), ex.RetryAfter);
        Assert.Equal("The user limit of 2 requests per minute is reached; retry after 30 s.", ex.Message);
        var audit = Assert.Single(_audit.Events);
        Assert.Equal(LlmAuditEventKind.RateLimited, audit.Kind);
        Assert.Equal("rate_limiting", audit.Stage);
        Assert.Equal(("u1", "t1", "reject", "user requests per minute"), (audit.User, audit.Tenant, audit.Action, audit.Reason));

        _time.Advance(ex.RetryAfter);
        Assert.NotNull(await client.GetResponseAsync(Prompt(), request, Ct));
    }

    [Fact]
    public async Task GetResponseAsync_Partitions_EachUserHasItsOwnLimit()
    {
        using var client = Client(Answering("Hi", "gpt-4o", null), o => o.PerUser.RequestsPerMinute = 1);

        await client.GetResponseAsync(Prompt(), new ChatOptions().WithUser("a"), Ct);
        await client.GetResponseAsync(Prompt(), new ChatOptions().WithUser("b"), Ct);

        await Assert.ThrowsAsync<RateLimitedException>(() => client.GetResponseAsync(Prompt(), new ChatOptions().WithUser("a"), Ct));
    }

    [Fact]
    public async Task GetResponseAsync_TenantLimitShared_RefusesEveryUserOfTheTenant()
    {
        using var client = Client(Answering("Hi", "gpt-4o", null), o =>
        {
            o.PerUser.RequestsPerMinute = 10;
            o.PerTenant.RequestsPerMinute = 2;
        });

        await client.GetResponseAsync(Prompt(), new ChatOptions().WithUser("a").WithTenant("t"), Ct);
        await client.GetResponseAsync(Prompt(), new ChatOptions().WithUser("b").WithTenant("t"), Ct);
        var ex = await Assert.ThrowsAsync<RateLimitedException>(() => client.GetResponseAsync(Prompt(), new ChatOptions().WithUser("c").WithTenant("t"), Ct));

        Assert.Equal(LlmRateLimitScope.Tenant, ex.Scope);
        await client.GetResponseAsync(Prompt(), new ChatOptions().WithUser("c").WithTenant("other"), Ct);
    }

    [Fact]
    public async Task GetResponseAsync_TokensPerMinute_ChargesTheActualPromptAndOutput()
    {
        var inner = Answering("Hi", "gpt-4o", Usage(500, 490));
        using var client = Client(inner, o => o.PerApiKey.TokensPerMinute = 1000);
        var request = new ChatOptions { ModelId = "gpt-4o" }.WithApiKeyId("k");

        await client.GetResponseAsync(Prompt(), request, Ct);
        var ex = await Assert.ThrowsAsync<RateLimitedException>(() => client.GetResponseAsync(Prompt(), request, Ct));

        // 990 of 1000 tokens used; the next prompt fits once 990 + prompt - 1000 tokens have refilled (60 ms each).
        var prompt = LlmTokenCounter.ForModel("gpt-4o").CountTokens(Prompt());
        Assert.Equal(LlmRateLimitKind.Tokens, ex.Kind);
        Assert.Equal(TimeSpan.FromMilliseconds((990 + prompt - 1000) * 60), ex.RetryAfter);
    }

    [Fact]
    public async Task GetResponseAsync_FailedCall_GivesItsTokensBack()
    {
        var failing = new FakeChatClient("p") { OnGetResponse = (_, _, _) => Task.FromException<ChatResponse>(new HttpRequestException("down")) };
        var prompt = LlmTokenCounter.ForModel("gpt-4o").CountTokens(Prompt());
        using var client = Client(failing, o => o.PerUser.TokensPerMinute = prompt);
        var request = new ChatOptions { ModelId = "gpt-4o" }.WithUser("u");

        for (var i = 0; i < 3; i++)
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => client.GetResponseAsync(Prompt(), request, Ct));
        }

        Assert.Equal(3, failing.CallCount);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_InnerThrowsBeforeItsStream_GivesItsTokensBack()
    {
        var failing = new FakeChatClient("p") { OnGetStreamingResponse = (_, _, _) => throw new NotSupportedException("content") };
        var prompt = LlmTokenCounter.ForModel("gpt-4o").CountTokens(Prompt());
        using var client = Client(failing, o => o.PerUser.TokensPerMinute = prompt);
        var request = new ChatOptions { ModelId = "gpt-4o" }.WithUser("u");

        for (var i = 0; i < 3; i++)
        {
            await Assert.ThrowsAsync<NotSupportedException>(async () =>
            {
                await foreach (var _ in client.GetStreamingResponseAsync(Prompt(), request, Ct))
                {
                }
            });
        }

        Assert.Equal(3, failing.CallCount);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_CallerCancelsAfterOutput_KeepsItsTokensCharged()
    {
        var calls = 0;
        var inner = new FakeChatClient("p") { OnGetStreamingResponse = (_, _, ct) => calls++ == 0 ? OutputThenSilence(ct) : OutputThenSilence(CancellationToken.None).Take(1) };
        var prompt = LlmTokenCounter.ForModel("gpt-4o").CountTokens(Prompt());
        using var client = Client(inner, o => o.PerUser.TokensPerMinute = prompt);
        var request = new ChatOptions { ModelId = "gpt-4o" }.WithUser("u");
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in client.GetStreamingResponseAsync(Prompt(), request, cts.Token))
            {
                await cts.CancelAsync();
            }
        });

        // The provider produced output for it: like a stream the caller stops reading, its estimate stays charged.
        Assert.Equal(1, calls);
        await Assert.ThrowsAsync<RateLimitedException>(async () =>
        {
            await foreach (var _ in client.GetStreamingResponseAsync(Prompt(), request, Ct))
            {
            }
        });
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> OutputThenSilence([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        yield return new ChatResponseUpdate(ChatRole.Assistant, "Hello");
        await Task.Delay(Timeout.Infinite, ct);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_LeftStreamWhoseDisposeThrows_StillChargesTheStreamedUsage()
    {
        var usage = new ChatResponseUpdate { Contents = [new UsageContent(Usage(300, 700))] };
        var inner = new FakeChatClient("p") { OnGetStreamingResponse = (_, _, _) => new DisposeThrowingStream(usage) };
        using var client = Client(inner, o => o.PerUser.TokensPerMinute = 1000);
        var request = new ChatOptions { ModelId = "gpt-4o" }.WithUser("u");

        await Assert.ThrowsAsync<IOException>(async () =>
        {
            await foreach (var _ in client.GetStreamingResponseAsync(Prompt(), request, Ct))
            {
                break;
            }
        });

        await Assert.ThrowsAsync<RateLimitedException>(async () =>
        {
            await foreach (var _ in client.GetStreamingResponseAsync(Prompt(), request, Ct))
            {
            }
        });
    }

    [Fact]
    public async Task GetResponseAsync_Override_ReplacesTheLimitForThatId()
    {
        using var client = Client(Answering("Hi", "gpt-4o", null), o =>
        {
            o.PerTenant.RequestsPerMinute = 1;
            o.PerTenant.Overrides["big"] = new LlmRateLimit { RequestsPerMinute = 100 };
        });

        for (var i = 0; i < 5; i++)
        {
            await client.GetResponseAsync(Prompt(), new ChatOptions().WithTenant("big"), Ct);
        }

        await client.GetResponseAsync(Prompt(), new ChatOptions().WithTenant("small"), Ct);
        await Assert.ThrowsAsync<RateLimitedException>(() => client.GetResponseAsync(Prompt(), new ChatOptions().WithTenant("small"), Ct));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_TokensPerMinute_ChargesTheStreamedUsage()
    {
        using var client = Client(Answering("Hello there", "gpt-4o", Usage(300, 700)), o => o.PerUser.TokensPerMinute = 1000);
        var request = new ChatOptions { ModelId = "gpt-4o" }.WithUser("u");

        await foreach (var _ in client.GetStreamingResponseAsync(Prompt(), request, Ct))
        {
        }

        await Assert.ThrowsAsync<RateLimitedException>(async () =>
        {
            await foreach (var _ in client.GetStreamingResponseAsync(Prompt(), request, Ct))
            {
            }
        });
    }

    [Fact]
    public async Task GetResponseAsync_NoIdentity_IsNotLimited()
    {
        var inner = Answering("Hi", "gpt-4o", null);
        using var client = Client(inner, o => o.PerUser.RequestsPerMinute = 1);

        for (var i = 0; i < 3; i++)
        {
            await client.GetResponseAsync(Prompt(), null, Ct);
        }

        Assert.Equal(3, inner.CallCount);
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsNamingTheKey()
    {
        var ex = Assert.Throws<ArgumentException>(() => new RateLimitingChatClient(Answering("x", null, null), _store, new RateLimitingOptions { PerUser = { RequestsPerMinute = 0 } }));

        Assert.StartsWith("RateLimiting:PerUser:RequestsPerMinute must be positive (was 0).", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublicMembers_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => new RateLimitingChatClient(null!, _store));
        Assert.Throws<ArgumentNullException>(() => new RateLimitingChatClient(Answering("x", null, null), null!));
        using var client = new RateLimitingChatClient(Answering("x", null, null), _store);
        await Assert.ThrowsAsync<ArgumentNullException>(() => client.GetResponseAsync(null!, null, Ct));
        Assert.Throws<ArgumentNullException>(() => client.GetStreamingResponseAsync(null!, null, Ct));
    }

    /// <summary>A stream of one update whose enumerator throws when disposed (a transport that fails to close).</summary>
    private sealed class DisposeThrowingStream(ChatResponseUpdate update) : IAsyncEnumerable<ChatResponseUpdate>, IAsyncEnumerator<ChatResponseUpdate>
    {
        private bool _moved;

        public ChatResponseUpdate Current => update;

        public IAsyncEnumerator<ChatResponseUpdate> GetAsyncEnumerator(CancellationToken cancellationToken = default) => this;

        public ValueTask<bool> MoveNextAsync()
        {
            var first = !_moved;
            _moved = true;
            return new(first);
        }

        public ValueTask DisposeAsync() => throw new IOException("close failed");
    }
}
