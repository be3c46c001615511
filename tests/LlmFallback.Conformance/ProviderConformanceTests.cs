using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace LlmFallback.Conformance;

/// <summary>
/// The conformance suite every adapter runs against its own loopback server. Derive it in the adapter's test
/// project, create the provider through the adapter's real DI registration, and assert the request shape.
/// </summary>
public abstract class ProviderConformanceTests<TServer> : IAsyncLifetime
    where TServer : LoopbackProviderServer, new()
{
    protected const string SystemPrompt = "You are terse.";
    protected const string UserText = "Say hi";
    protected const string ApiKey = "test-key";

    private ILoggerFactory? _loggerFactory;

    protected TServer Server { get; } = new();

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    /// <summary>Gets what the adapter (when <see cref="CreateProvider"/> registers <see cref="LoggerFactory"/>) and the fallback stage logged.</summary>
    protected FakeLogCollector Logs { get; } = new();

    /// <summary>Gets the logger factory every provider and fallback stage of a test logs through, into <see cref="Logs"/>.</summary>
    protected ILoggerFactory LoggerFactory => _loggerFactory ??= Microsoft.Extensions.Logging.LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(Logs)));

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Gets the model the provider is configured with.</summary>
    protected virtual string Model => "test-model";

    protected virtual bool SupportsRetryAfterMs => true;

    protected virtual bool SupportsRetryInfo => false;

    /// <summary>Gets a value indicating whether the provider's wire format carries tool-call ids (Gemini's does not).</summary>
    protected virtual bool HasToolCallIds => true;

    protected virtual LlmFailureKind MalformedStreamKind => LlmFailureKind.ServerError;

    public virtual async ValueTask InitializeAsync() => await Server.StartAsync(Ct);

    public virtual async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        _loggerFactory?.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Creates the provider through the adapter's real DI registration, pointed at <paramref name="baseAddress"/>, with API key <see cref="ApiKey"/>.</summary>
    protected abstract LlmProvider CreateProvider(Uri baseAddress, TimeProvider timeProvider);

    /// <summary>Asserts the request matches the provider's documented shape.</summary>
    protected abstract void AssertRequest(RecordedRequest request, ExpectedRequest expected);

    protected virtual LlmFailureKind ExpectedKind(WireError error) => error switch
    {
        WireError.BadRequest => LlmFailureKind.BadRequest,
        WireError.ContextLength => LlmFailureKind.ContextLengthExceeded,
        WireError.ContentPolicy => LlmFailureKind.ContentPolicy,
        WireError.Unauthorized => LlmFailureKind.Authentication,
        WireError.ModelNotFound => LlmFailureKind.ModelNotFound,
        WireError.RateLimited => LlmFailureKind.RateLimited,
        WireError.QuotaExhausted => LlmFailureKind.Authentication,
        _ => LlmFailureKind.ServerError,
    };

    protected static List<ChatMessage> Conversation() => [new(ChatRole.System, SystemPrompt), new(ChatRole.User, UserText)];

    protected static ChatOptions ToolOptions()
    {
        using var schema = JsonDocument.Parse("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""");
        return new ChatOptions { Tools = [AIFunctionFactory.CreateDeclaration("get_weather", "Gets the weather for a city.", schema.RootElement.Clone())] };
    }

    protected ExpectedRequest Expect(bool stream, bool tools = false, bool toolResult = false) => new(Model, stream, tools, toolResult, SystemPrompt, UserText);

    // ---- success paths -------------------------------------------------------------------------------------------

    [Fact]
    public async Task GetResponseAsync_Text_ReturnsTextUsageAndFinishReason()
    {
        Server.Enqueue(WireScenario.Text("Hello there", 11, 7));
        var provider = CreateProvider(Server.BaseAddress, Time);

        var response = await provider.Client.GetResponseAsync(Conversation(), cancellationToken: Ct);

        Assert.Equal("Hello there", response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal(11, response.Usage?.InputTokenCount);
        Assert.Equal(7, response.Usage?.OutputTokenCount);
        AssertRequest(Assert.Single(Server.Requests), Expect(stream: false));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_Text_StreamsDeltasUsageAndFinishReason()
    {
        Server.Enqueue(WireScenario.Stream(["Hel", "lo", " there"], 11, 7));
        var provider = CreateProvider(Server.BaseAddress, Time);

        var updates = await ToListAsync(provider.Client.GetStreamingResponseAsync(Conversation(), cancellationToken: Ct));

        var response = updates.ToChatResponse();
        Assert.Equal("Hello there", response.Text);
        Assert.Contains(updates, u => u.FinishReason == ChatFinishReason.Stop);
        Assert.True(updates.Count(u => u.Text.Length > 0) >= 3, "each delta is its own update");
        Assert.Equal(11, response.Usage?.InputTokenCount);
        Assert.Equal(7, response.Usage?.OutputTokenCount);
        AssertRequest(Assert.Single(Server.Requests), Expect(stream: true));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ToolCall_ReturnsFunctionCallContent(bool stream)
    {
        Server.Enqueue(WireScenario.ToolCall("call_1", "get_weather", """{"city":"Paris"}""", stream));
        var provider = CreateProvider(Server.BaseAddress, Time);

        var response = stream
            ? (await ToListAsync(provider.Client.GetStreamingResponseAsync(Conversation(), ToolOptions(), Ct))).ToChatResponse()
            : await provider.Client.GetResponseAsync(Conversation(), ToolOptions(), Ct);

        var call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal("get_weather", call.Name);
        Assert.Equal("Paris", call.Arguments?["city"]?.ToString());
        if (HasToolCallIds)
        {
            Assert.Equal("call_1", call.CallId);
        }

        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
        AssertRequest(Assert.Single(Server.Requests), Expect(stream, tools: true));
    }

    [Fact]
    public async Task GetResponseAsync_ToolRoundTrip_SendsToolResultInProviderFormat()
    {
        Server.Enqueue(WireScenario.ToolCall("call_1", "get_weather", """{"city":"Paris"}""", stream: false));
        Server.Enqueue(WireScenario.Text("It is sunny."));
        var provider = CreateProvider(Server.BaseAddress, Time);
        var messages = Conversation();

        var first = await provider.Client.GetResponseAsync(messages, ToolOptions(), Ct);
        messages.AddMessages(first);
        var call = first.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Single();
        messages.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(call.CallId, "sunny")]));
        var second = await provider.Client.GetResponseAsync(messages, ToolOptions(), Ct);

        Assert.Equal("It is sunny.", second.Text);
        AssertRequest(Server.Requests[1], Expect(stream: false, tools: true, toolResult: true));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_WithoutTerminalMarker_IsCompleteAfterFinishReason()
    {
        Server.Enqueue(WireScenario.StreamWithoutDone(["Hel", "lo"]));
        var provider = CreateProvider(Server.BaseAddress, Time);
        using var fallback = Chain(provider);

        var updates = await ToListAsync(fallback.GetStreamingResponseAsync(Conversation(), cancellationToken: Ct));

        var response = updates.ToChatResponse();
        Assert.Equal("Hello", response.Text);
        var info = response.GetLlmCallInfo()!;
        Assert.Equal(provider.Name, info.Provider);
        Assert.Equal(1, info.AttemptCount);
    }

    // ---- errors ----------------------------------------------------------------------------------------------

    [Theory]
    [MemberData(nameof(ConformanceData.AllErrors), MemberType = typeof(ConformanceData))]
    public async Task GetResponseAsync_HttpError_IsClassified(WireError error)
    {
        Server.Enqueue(WireScenario.Error(error));
        var provider = CreateProvider(Server.BaseAddress, Time);

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => provider.Client.GetResponseAsync(Conversation(), cancellationToken: Ct));

        var failure = provider.Classify(ex);
        Assert.Equal(ExpectedKind(error), failure.Kind);
        Assert.NotNull(failure.StatusCode);
        Assert.DoesNotContain(ApiKey, ex.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ConformanceData.AllErrors), MemberType = typeof(ConformanceData))]
    public async Task GetStreamingResponseAsync_HttpError_IsClassified(WireError error)
    {
        Server.Enqueue(WireScenario.Error(error));
        var provider = CreateProvider(Server.BaseAddress, Time);

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => ToListAsync(provider.Client.GetStreamingResponseAsync(Conversation(), cancellationToken: Ct)));

        Assert.Equal(ExpectedKind(error), provider.Classify(ex).Kind);
    }

    [Fact]
    public async Task RateLimited_WithRetryAfterSeconds_CarriesRetryAfter()
    {
        Server.Enqueue(WireScenario.Error(WireError.RateLimited, retryAfter: "2"));
        var provider = CreateProvider(Server.BaseAddress, Time);

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => provider.Client.GetResponseAsync(Conversation(), cancellationToken: Ct));

        var failure = provider.Classify(ex);
        Assert.Equal(LlmFailureKind.RateLimited, failure.Kind);
        Assert.Equal(429, failure.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(2), failure.RetryAfter);
    }

    [Fact]
    public async Task RateLimited_WithRetryAfterMilliseconds_CarriesRetryAfter()
    {
        Assert.SkipUnless(SupportsRetryAfterMs, "This provider does not send retry-after-ms.");
        Server.Enqueue(WireScenario.Error(WireError.RateLimited, retryAfterMs: "1500"));
        var provider = CreateProvider(Server.BaseAddress, Time);

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => provider.Client.GetResponseAsync(Conversation(), cancellationToken: Ct));

        Assert.Equal(TimeSpan.FromMilliseconds(1500), provider.Classify(ex).RetryAfter);
    }

    [Fact]
    public async Task RateLimited_WithRetryInfo_CarriesRetryAfter()
    {
        Assert.SkipUnless(SupportsRetryInfo, "This provider does not send RetryInfo.");
        Server.Enqueue(WireScenario.Error(WireError.RateLimited, retryInfo: TimeSpan.FromSeconds(3)));
        var provider = CreateProvider(Server.BaseAddress, Time);

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => provider.Client.GetResponseAsync(Conversation(), cancellationToken: Ct));

        Assert.Equal(TimeSpan.FromSeconds(3), provider.Classify(ex).RetryAfter);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ResetBeforeHeaders_IsTransport(bool stream)
    {
        Server.Enqueue(WireScenario.ResetBeforeHeaders());
        var provider = CreateProvider(Server.BaseAddress, Time);

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => stream
            ? ToListAsync(provider.Client.GetStreamingResponseAsync(Conversation(), cancellationToken: Ct))
            : provider.Client.GetResponseAsync(Conversation(), cancellationToken: Ct));

        Assert.Equal(LlmFailureKind.Transport, provider.Classify(ex).Kind);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_MalformedChunk_IsClassified()
    {
        Server.Enqueue(WireScenario.StreamMalformed(["Hel", "lo"]));
        var provider = CreateProvider(Server.BaseAddress, Time);

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => ToListAsync(provider.Client.GetStreamingResponseAsync(Conversation(), cancellationToken: Ct)));

        Assert.Equal(MalformedStreamKind, provider.Classify(ex).Kind);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_MidStreamError_FailsOrEndsIncomplete()
    {
        Server.Enqueue(WireScenario.MidStreamError(["Hel", "lo"], WireError.Overloaded));
        var provider = CreateProvider(Server.BaseAddress, Time);

        List<ChatResponseUpdate> updates = [];
        try
        {
            await foreach (var u in provider.Client.GetStreamingResponseAsync(Conversation(), cancellationToken: Ct))
            {
                updates.Add(u);
            }
        }
        catch (Exception ex)
        {
            Assert.Equal(ExpectedKind(WireError.Overloaded), provider.Classify(ex).Kind);
            return;
        }

        // An SDK that skips the error event must at least not present the stream as complete.
        Assert.DoesNotContain(updates, u => u.FinishReason is not null);
    }

    [Fact]
    public async Task Fallback_MidStreamError_FailsOverCleanlyWhenHeldBack()
    {
        Server.Enqueue(WireScenario.MidStreamError(["Hel", "lo"], WireError.Overloaded));
        var provider = CreateProvider(Server.BaseAddress, Time);
        var secondary = new InMemoryChatClient();
        using var fallback = Chain(provider, secondary, o => o.Streaming.HoldbackUntilComplete = true);

        var response = (await ToListAsync(fallback.GetStreamingResponseAsync(Conversation(), cancellationToken: Ct))).ToChatResponse();

        Assert.Equal(secondary.Answer, response.Text);
        Assert.Contains(response.GetLlmCallInfo()!.Attempts[0].Kind, new LlmFailureKind?[] { ExpectedKind(WireError.Overloaded), LlmFailureKind.Transport });
    }

    [Fact]
    public async Task GetStreamingResponseAsync_EndsWithoutFinish_ProducesNoFinishReason()
    {
        Server.Enqueue(WireScenario.StreamEndsWithoutFinish(["Hel", "lo"]));
        var provider = CreateProvider(Server.BaseAddress, Time);

        List<ChatResponseUpdate> updates = [];
        try
        {
            await foreach (var u in provider.Client.GetStreamingResponseAsync(Conversation(), cancellationToken: Ct))
            {
                updates.Add(u);
            }
        }
        catch (Exception ex)
        {
            // Throwing is as good as ending quietly, as long as it is not mistaken for a complete answer.
            Assert.NotEqual(LlmFailureKind.BadRequest, provider.Classify(ex).Kind);
        }

        Assert.DoesNotContain(updates, u => u.FinishReason is not null);
    }

    [Theory]
    [MemberData(nameof(ConformanceData.OffFormatStreams), MemberType = typeof(ConformanceData))]
    public async Task GetStreamingResponseAsync_200NotAnEventStream_IsAnUnexpectedContentTypeServerError(string contentType, string body)
    {
        Server.Enqueue(WireScenario.Raw(200, contentType, body));
        var provider = CreateProvider(Server.BaseAddress, Time);

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => ToListAsync(provider.Client.GetStreamingResponseAsync(Conversation(), cancellationToken: Ct)));

        Assert.IsType<LlmProviderException>(ex);
        var failure = provider.Classify(ex);
        Assert.Equal(LlmFailureKind.ServerError, failure.Kind);
        Assert.Equal(LlmFailureClassifier.UnexpectedContentTypeCode, failure.ErrorCode);
        Assert.Equal(200, failure.StatusCode);
        Assert.Contains("'" + contentType.Split(';')[0] + "'", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fallback_StreamAnsweredWithHtml_FailsOverSayingSo()
    {
        Server.Enqueue(WireScenario.Raw(200, "text/html", "<html><body>Sign in to continue</body></html>"));
        var provider = CreateProvider(Server.BaseAddress, Time);
        var secondary = new InMemoryChatClient();
        using var fallback = Chain(provider, secondary);

        var response = (await ToListAsync(fallback.GetStreamingResponseAsync(Conversation(), cancellationToken: Ct))).ToChatResponse();

        Assert.Equal(secondary.Answer, response.Text);
        var failure = response.GetLlmCallInfo()!.Attempts[0].Failure!;
        Assert.Equal(LlmFailureKind.ServerError, failure.Kind);
        Assert.Equal(LlmFailureClassifier.UnexpectedContentTypeCode, failure.ErrorCode);
    }

    // ---- secrets -----------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(401, false)]
    [InlineData(401, true)]
    [InlineData(400, false)]
    [InlineData(400, true)]
    public async Task Error_ServerEchoesTheKey_TheKeyIsInNothingThrownOrLogged(int status, bool stream)
    {
        var type = status == 401 ? "authentication_error" : "invalid_request_error";
        var body = $$$"""{"type":"error","error":{"type":"{{{type}}}","message":"Incorrect API key provided: Bearer {{{ApiKey}}}. You sent x-api-key: {{{ApiKey}}}"}}""";
        WireScenario Echo() => WireScenario.Raw(status, "application/json", body, ("x-echo-authorization", "Bearer " + ApiKey), ("WWW-Authenticate", $"Bearer error=\"invalid_token\", key=\"{ApiKey}\""));
        Server.Enqueue(Echo());
        Server.Enqueue(Echo());
        var provider = CreateProvider(Server.BaseAddress, Time);
        var expected = status == 401 ? LlmFailureKind.Authentication : LlmFailureKind.BadRequest;

        var direct = await Assert.ThrowsAnyAsync<Exception>(() => Call(provider.Client, stream));
        AssertNoKey(direct);
        Assert.Equal(expected, provider.Classify(direct).Kind);
        Assert.Equal(status, provider.Classify(direct).StatusCode);

        using var fallback = Chain(provider);
        var surfaced = await Assert.ThrowsAnyAsync<LlmException>(() => Call(fallback, stream));
        Assert.IsType(status == 401 ? typeof(LlmFallbackExhaustedException) : typeof(LlmProviderException), surfaced);
        AssertNoKey(surfaced);
        foreach (var attempt in surfaced.Attempts)
        {
            Assert.DoesNotContain(ApiKey, attempt.ToString(), StringComparison.Ordinal);
            if (attempt.Failure?.Exception is { } cause)
            {
                AssertNoKey(cause);
            }
        }

        Assert.Contains(surfaced.Attempts, a => a.Kind == expected);
        Assert.Contains(Logs.GetSnapshot(), r => r.Category?.StartsWith("LlmFallback", StringComparison.Ordinal) == true);
        foreach (var record in Logs.GetSnapshot())
        {
            Assert.DoesNotContain(ApiKey, record.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(ApiKey, record.Exception?.ToString() ?? string.Empty, StringComparison.Ordinal);

            // HttpClient's own trace logs redact header values in their text but keep them in their state (see docs).
            if (record.Category?.StartsWith("System.Net.Http", StringComparison.Ordinal) != true)
            {
                foreach (var pair in record.StructuredState ?? [])
                {
                    Assert.DoesNotContain(ApiKey, pair.Value ?? string.Empty, StringComparison.Ordinal);
                }
            }
        }
    }

    /// <summary>Asserts the key is nowhere in the exception: its text, and every message, stack trace and data value of its chain.</summary>
    protected static void AssertNoKey(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        Assert.DoesNotContain(ApiKey, exception.ToString(), StringComparison.Ordinal);
        for (var e = exception; e is not null; e = e.InnerException)
        {
            Assert.DoesNotContain(ApiKey, e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(ApiKey, e.StackTrace ?? string.Empty, StringComparison.Ordinal);
            foreach (System.Collections.DictionaryEntry entry in e.Data)
            {
                Assert.DoesNotContain(ApiKey, entry.Value?.ToString() ?? string.Empty, StringComparison.Ordinal);
            }
        }
    }

    private static async Task Call(IChatClient client, bool stream)
    {
        if (stream)
        {
            await ToListAsync(client.GetStreamingResponseAsync(Conversation(), cancellationToken: Ct));
        }
        else
        {
            await client.GetResponseAsync(Conversation(), cancellationToken: Ct);
        }
    }

    // ---- through the fallback stage ----------------------------------------------------------------------------

    [Fact]
    public async Task Fallback_NoResponse_TimesOutAndAbortsTheRequest()
    {
        Server.Enqueue(WireScenario.NoResponse());
        var provider = CreateProvider(Server.BaseAddress, Time);
        using var fallback = Chain(provider);

        var call = fallback.GetResponseAsync(Conversation(), cancellationToken: Ct);
        await Server.WaitForSilenceAsync(0, Ct);
        Time.Advance(TimeSpan.FromSeconds(121));

        var ex = await Assert.ThrowsAsync<LlmFallbackExhaustedException>(() => call);
        var attempt = ex.Attempts.First(a => a.Decision != LlmAttemptDecision.Skipped);
        Assert.Equal(LlmFailureKind.Timeout, attempt.Kind);
        Assert.Equal("attempt_timeout", attempt.Failure!.ErrorCode);
        await Server.WaitForAbortAsync(0, Ct);
    }

    [Fact]
    public async Task Fallback_SlowFirstByte_TimesOutAndFailsOverCleanly()
    {
        var gate = new TaskCompletionSource();
        Server.Enqueue(WireScenario.SlowFirstByte(gate.Task, WireScenario.Stream(["late"])));
        var provider = CreateProvider(Server.BaseAddress, Time);
        var secondary = new InMemoryChatClient();
        using var fallback = Chain(provider, secondary);

        var call = ToListAsync(fallback.GetStreamingResponseAsync(Conversation(), cancellationToken: Ct));
        await Server.WaitForSilenceAsync(0, Ct);
        Time.Advance(TimeSpan.FromSeconds(21));
        var response = (await call).ToChatResponse();

        Assert.Equal(secondary.Answer, response.Text);
        var info = response.GetLlmCallInfo()!;
        Assert.Equal("fallback", info.Provider);
        Assert.Equal(LlmFailureKind.Timeout, info.FallbackReason);
        Assert.Equal("first_token_timeout", info.Attempts[0].Failure!.ErrorCode);
        await Server.WaitForAbortAsync(0, Ct);
    }

    [Fact]
    public async Task Fallback_SlowFirstByteReleasedInTime_Succeeds()
    {
        var gate = new TaskCompletionSource();
        Server.Enqueue(WireScenario.SlowFirstByte(gate.Task, WireScenario.Stream(["on ", "time"])));
        var provider = CreateProvider(Server.BaseAddress, Time);
        using var fallback = Chain(provider, new InMemoryChatClient());

        var call = ToListAsync(fallback.GetStreamingResponseAsync(Conversation(), cancellationToken: Ct));
        await Server.WaitForSilenceAsync(0, Ct);
        Time.Advance(TimeSpan.FromSeconds(15));
        gate.SetResult();
        var response = (await call).ToChatResponse();

        Assert.Equal("on time", response.Text);
        Assert.Equal(provider.Name, response.GetLlmCallInfo()!.Provider);
    }

    [Fact]
    public async Task Fallback_StreamCutAfterOutput_IsRescuedByContinuation()
    {
        var cut = new TaskCompletionSource();
        Server.Enqueue(WireScenario.StreamCut(["The answer ", "is "], cut.Task));
        var provider = CreateProvider(Server.BaseAddress, Time);
        var secondary = new InMemoryChatClient();
        using var fallback = Chain(provider, secondary);

        // Read until the caller holds both deltas, then cut the connection.
        List<ChatResponseUpdate> updates = [];
        await using (var e = fallback.GetStreamingResponseAsync(Conversation(), cancellationToken: Ct).GetAsyncEnumerator(Ct))
        {
            while (string.Concat(updates.Select(u => u.Text)) != "The answer is ")
            {
                Assert.True(await e.MoveNextAsync(), "the stream ended before both deltas arrived");
                updates.Add(e.Current);
            }

            cut.SetResult();
            while (await e.MoveNextAsync())
            {
                updates.Add(e.Current);
            }
        }

        var response = updates.ToChatResponse();
        var info = response.GetLlmCallInfo()!;
        Assert.True(info.Rescued);
        Assert.Equal("fallback", info.Provider);
        Assert.Equal(LlmFailureKind.Transport, info.Attempts[0].Kind);
        var prefill = secondary.Calls.Single()[^1];
        Assert.Equal(ChatRole.Assistant, prefill.Role);
        Assert.Equal("The answer is ", prefill.Text);
        Assert.Equal("The answer is " + secondary.Continuation, response.Text);
    }

    [Fact]
    public async Task Fallback_StreamEndsWithoutFinish_RestartsCleanlyWhenHeldBack()
    {
        Server.Enqueue(WireScenario.StreamEndsWithoutFinish(["partial ", "answer"]));
        var provider = CreateProvider(Server.BaseAddress, Time);
        var secondary = new InMemoryChatClient();
        using var fallback = Chain(provider, secondary, o => o.Streaming.HoldbackUntilComplete = true);

        var response = (await ToListAsync(fallback.GetStreamingResponseAsync(Conversation(), cancellationToken: Ct))).ToChatResponse();

        Assert.Equal(secondary.Answer, response.Text);
        var info = response.GetLlmCallInfo()!;
        Assert.False(info.Rescued);
        Assert.Contains(info.Attempts[0].Kind, new LlmFailureKind?[] { LlmFailureKind.Transport, LlmFailureKind.ServerError });
    }

    [Fact]
    public async Task Fallback_StreamStall_TimesOutIdleAndIsRescued()
    {
        Server.Enqueue(WireScenario.StreamStall(["Once ", "upon "]));
        var provider = CreateProvider(Server.BaseAddress, Time);
        var secondary = new InMemoryChatClient();
        using var fallback = Chain(provider, secondary);

        var call = ToListAsync(fallback.GetStreamingResponseAsync(Conversation(), cancellationToken: Ct));
        await Server.WaitForSilenceAsync(0, Ct);
        await AdvanceUntilAsync(call, TimeSpan.FromSeconds(1), maxSteps: 60);
        var response = (await call).ToChatResponse();

        var info = response.GetLlmCallInfo()!;
        Assert.Equal(LlmFailureKind.Timeout, info.Attempts[0].Kind);
        Assert.True(info.Rescued);
        Assert.EndsWith(secondary.Continuation, response.Text, StringComparison.Ordinal);
        await Server.WaitForAbortAsync(0, Ct);
    }

    [Fact]
    public async Task Fallback_RateLimitedWithRetryAfter_WaitsThenRetriesWithoutHammering()
    {
        Server.Enqueue(WireScenario.Error(WireError.RateLimited, retryAfter: "2"));
        Server.Enqueue(WireScenario.Text("after the wait"));
        var provider = CreateProvider(Server.BaseAddress, Time);
        using var fallback = Chain(provider, maxRetries: 2);
        var underTest = fallback.Providers[0];

        var call = fallback.GetResponseAsync(Conversation(), cancellationToken: Ct);
        await Server.WaitForRequestAsync(0, Ct);
        await WaitUntilCoolingDownAsync(underTest);
        Assert.Equal(Time.GetUtcNow() + TimeSpan.FromSeconds(2), underTest.GetHealth().AvailableAt);
        Time.Advance(TimeSpan.FromMilliseconds(1900));
        await Task.Delay(20, Ct);
        Assert.Single(Server.Requests);
        Time.Advance(TimeSpan.FromMilliseconds(100));
        var response = await call;

        Assert.Equal("after the wait", response.Text);
        Assert.Equal(2, Server.Requests.Count);
        var info = response.GetLlmCallInfo()!;
        Assert.Equal(2, info.AttemptCount);
        Assert.Equal(TimeSpan.FromSeconds(2), info.Attempts[0].Failure!.RetryAfter);
        Assert.Equal(LlmAttemptDecision.Retried, info.Attempts[0].Decision);
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    /// <summary>
    /// A fallback stage over the adapter's provider and, optionally, an in-memory second provider that can continue
    /// prefills. The adapter's client and classifier are kept; the attempt policy is the test's, so every adapter
    /// plays the same decisions: no same-provider retries unless <paramref name="maxRetries"/> says so, and rescue
    /// always lands on the second provider.
    /// </summary>
    protected FallbackChatClient Chain(LlmProvider provider, InMemoryChatClient? secondary = null, Action<FallbackOptions>? configure = null, int maxRetries = 0)
    {
        ArgumentNullException.ThrowIfNull(provider);
        var options = new FallbackOptions();
        configure?.Invoke(options);
        var underTest = new LlmProvider(
            provider.Name,
            provider.Client,
            new LlmProviderOptions { Model = provider.Model, Resilience = { MaxRetries = maxRetries } },
            [new ProviderClassifier(provider)],
            Time);
        List<LlmProvider> chain = [underTest];
        if (secondary is not null)
        {
            chain.Add(new LlmProvider("fallback", secondary, new LlmProviderOptions { Model = "in-memory", Capabilities = { PrefillContinuation = true } }, timeProvider: Time));
        }

        return new FallbackChatClient(chain, options, timeProvider: Time, loggerFactory: LoggerFactory);
    }

    protected static async Task<List<ChatResponseUpdate>> ToListAsync(IAsyncEnumerable<ChatResponseUpdate> updates)
    {
        List<ChatResponseUpdate> list = [];
        await foreach (var u in updates.WithCancellation(Ct))
        {
            list.Add(u);
        }

        return list;
    }

    /// <summary>Advances fake time step by step (yielding briefly between steps) until <paramref name="task"/> completes.</summary>
    protected async Task AdvanceUntilAsync(Task task, TimeSpan step, int maxSteps)
    {
        for (var i = 0; i < maxSteps && !task.IsCompleted; i++)
        {
            Time.Advance(step);
            await Task.WhenAny(task, Task.Delay(5, Ct));
        }
    }

    /// <summary>
    /// Waits (briefly, in real time) until the fallback stage has classified the 429 and put the provider into
    /// cool-down; it schedules its retry delay on the fake clock in the same step.
    /// </summary>
    private static async Task WaitUntilCoolingDownAsync(LlmProvider provider)
    {
        for (var i = 0; i < 1000 && !provider.GetHealth().IsCoolingDown; i++)
        {
            await Task.Delay(1, Ct);
        }

        Assert.True(provider.GetHealth().IsCoolingDown, "the provider should be cooling down after a 429 with Retry-After");
        await Task.Delay(5, Ct);
    }
}

/// <summary>Theory data for the conformance suite.</summary>
public static class ConformanceData
{
    public static TheoryData<WireError> AllErrors => new(Enum.GetValues<WireError>());

    /// <summary>Bodies a proxy, a sign-in wall or a misbehaving server sends with status 200 to a streaming request.</summary>
    public static TheoryData<string, string> OffFormatStreams => new()
    {
        { "text/html; charset=utf-8", "<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>" },
        { "application/json", """{"error":{"message":"The server is overloaded.","type":"server_error","code":"overloaded"}}""" },
        { "text/plain", "upstream connect error or disconnect/reset before headers" },
    };
}

/// <summary>Classifies with the adapter provider's own classifiers (then the shared rules).</summary>
internal sealed class ProviderClassifier(LlmProvider provider) : ILlmFailureClassifier
{
    public LlmFailure Classify(Exception exception) => provider.Classify(exception);
}
