namespace LlmFallback.Tests.Caching;

/// <summary>What changes a cache key, what does not, and that keys hold no text or ids.</summary>
public sealed class CacheKeysTests
{
    private static readonly LlmCachingOptions Defaults = new();

    public static TheoryData<string> Changes =>
    [
        "text", "role", "route", "temperature", "top_p", "max_tokens", "seed", "stop", "instructions", "system_prompt",
        "tools", "tool_schema", "tool_mode", "response_format", "json_schema", "provider_option", "user", "tenant",
        "namespace", "history", "image", "author", "explicit_route",
    ];

    [Theory]
    [MemberData(nameof(Changes))]
    public void Compute_AnswerChangingDifference_ChangesTheKey(string change)
    {
        var (messages, options) = Request();
        var baseline = Key(messages, options);
        string? ns = null;
        switch (change)
        {
            case "text": messages[^1] = new ChatMessage(ChatRole.User, "What is Java?"); break;
            case "role": messages[^1] = new ChatMessage(ChatRole.Assistant, "What is Python?"); break;
            case "route": options.ModelId = "smart"; break;
            case "temperature": options.Temperature = 0.7f; break;
            case "top_p": options.TopP = 0.5f; break;
            case "max_tokens": options.MaxOutputTokens = 10; break;
            case "seed": options.Seed = 42; break;
            case "stop": options.StopSequences = ["END"]; break;
            case "instructions": options.Instructions = "Answer in French."; break;
            case "system_prompt": messages[0] = new ChatMessage(ChatRole.System, "Be verbose."); break;
            case "tools": options.Tools = [AIFunctionFactory.Create(() => 1, "other_tool")]; break;
            case "tool_schema": options.Tools = [AIFunctionFactory.Create((int a) => a, "lookup")]; break;
            case "tool_mode": options.ToolMode = ChatToolMode.RequireAny; break;
            case "response_format": options.ResponseFormat = ChatResponseFormat.Json; break;
            case "json_schema": options.ResponseFormat = ChatResponseFormat.ForJsonSchema(System.Text.Json.JsonDocument.Parse("""{"type":"object"}""").RootElement, "s"); break;
            case "provider_option": (options.AdditionalProperties ??= [])["reasoning_effort"] = "high"; break;
            case "user": options.WithUser("bob"); break;
            case "tenant": options.WithTenant("other"); break;
            case "namespace": ns = "docs"; break;
            case "history": messages.Insert(1, new ChatMessage(ChatRole.User, "earlier")); break;
            case "image": messages[^1].Contents.Add(new DataContent(new byte[] { 1, 2, 3 }, "image/png")); break;
            case "explicit_route": options.WithRoute("smart"); break;
            default: messages[^1].AuthorName = "someone"; break;
        }

        Assert.NotEqual(baseline, Key(messages, options, ns));
    }

    [Fact]
    public void Compute_ExplicitRoute_IsTheRouteOfTagsAndTimeToLive()
    {
        var named = CacheKeys.Compute([new ChatMessage(ChatRole.User, "q")], new ChatOptions { ModelId = "fast" }.WithRoute("smart"), Defaults, null);
        var byModel = CacheKeys.Compute([new ChatMessage(ChatRole.User, "q")], new ChatOptions { ModelId = "fast" }, Defaults, null);

        Assert.Equal(("smart", "fast"), (named.Route, byModel.Route));
        Assert.NotEqual(named.ExactKey, byModel.ExactKey);
    }

    [Fact]
    public void Compute_SeedsBeyondDoublePrecision_DifferentKeys()
    {
        // 2^53 and 2^53 + 1 are the same double: seeds were framed through double and shared a key.
        var a = new ChatOptions { Seed = 9_007_199_254_740_992 };
        var b = new ChatOptions { Seed = 9_007_199_254_740_993 };

        Assert.NotEqual(Key([new ChatMessage(ChatRole.User, "q")], a), Key([new ChatMessage(ChatRole.User, "q")], b));
    }

    [Fact]
    public void Compute_DatesDifferingBelowASecond_DifferentKeys()
    {
        // The invariant general format of a date drops its fraction of a second.
        var at = new DateTimeOffset(2026, 1, 1, 10, 0, 0, TimeSpan.Zero);
        ChatOptions With(object value) => new() { AdditionalProperties = new() { ["not_before"] = value } };

        Assert.NotEqual(Key([new ChatMessage(ChatRole.User, "q")], With(at)), Key([new ChatMessage(ChatRole.User, "q")], With(at.AddMilliseconds(1))));
        Assert.NotEqual(Key([new ChatMessage(ChatRole.User, "q")], With(at.UtcDateTime)), Key([new ChatMessage(ChatRole.User, "q")], With(at.UtcDateTime.AddTicks(1))));
    }

    [Fact]
    public void Compute_NoAnswerChangingDifference_SameKey()
    {
        var (messages, options) = Request();
        var baseline = Key(messages, options);

        var (other, otherOptions) = Request();
        other[^1] = new ChatMessage(ChatRole.User, "  What is Python?\r\n");
        otherOptions.WithNoStore().WithCacheTags("x");
        (otherOptions.AdditionalProperties ??= [])["llmfallback.something_else"] = "ignored";

        Assert.Equal(baseline, Key(other.ToArray(), otherOptions));
    }

    [Fact]
    public void Compute_NullAndEmptyOptions_SameKey()
    {
        Assert.Equal(Key([new ChatMessage(ChatRole.User, "q")], null), Key([new ChatMessage(ChatRole.User, "q")], new ChatOptions()));
    }

    [Fact]
    public void Compute_Key_IsVersionedHashedAndHoldsNoTextOrIds()
    {
        var (messages, options) = Request();
        options.WithTenant("acme-tenant").WithUser("alice@example.com");

        var key = Key(messages, options);

        Assert.StartsWith("llmfb:" + CacheKeys.Version + ":default:", key, StringComparison.Ordinal);
        Assert.Equal("llmfb:v1:default:".Length + 43, key.Length);
        Assert.DoesNotContain("Python", key, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("alice", key, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("acme", key, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Compute_UserScopeOff_UsersShareTheKey()
    {
        var tenant = new LlmCachingOptions { Scope = LlmCacheScope.Tenant };
        var a = CacheKeys.Compute([new ChatMessage(ChatRole.User, "q")], new ChatOptions().WithUser("a"), tenant, null);
        var b = CacheKeys.Compute([new ChatMessage(ChatRole.User, "q")], new ChatOptions().WithUser("b"), tenant, null);

        Assert.Equal(a.ExactKey, b.ExactKey);
    }

    [Fact]
    public void Compute_SignedOrRedactedReasoning_KeyedByItsProtectedData()
    {
        // Encrypted or redacted reasoning (Anthropic's signature and redacted thinking, OpenAI's encrypted content,
        // Gemini's thought signature) goes back to the provider with the history and the model reasons on from it.
        static string? With(string? protectedData) => CacheKeys.Compute(
            [new ChatMessage(ChatRole.User, "q"), new ChatMessage(ChatRole.Assistant, [new TextReasoningContent(string.Empty) { ProtectedData = protectedData }, new TextContent("a")]), new ChatMessage(ChatRole.User, "more")],
            null,
            Defaults,
            null).ExactKey;

        Assert.NotEqual(With("redacted-1"), With("redacted-2"));
        Assert.NotEqual(With(null), With("redacted-1"));
    }

    [Fact]
    public void Compute_FileName_ChangesTheKey()
    {
        // The name of an attached file is sent to the model with its bytes (a file's name, a Gemini attachment's display name).
        static string? With(string? name) => CacheKeys.Compute(
            [new ChatMessage(ChatRole.User, [new TextContent("Which file is this?"), new DataContent(new byte[] { 1, 2, 3 }, "application/pdf") { Name = name }])],
            null,
            Defaults,
            null).ExactKey;

        Assert.NotEqual(With("q3-report.pdf"), With("q4-report.pdf"));
        Assert.NotEqual(With(null), With("q3-report.pdf"));
    }

    [Fact]
    public void Compute_ToolAdditionalProperties_ChangeTheKeyOrMakeTheRequestUncacheable()
    {
        // A tool's own properties reach the provider: "strictJsonSchema" turns on constrained decoding of its arguments.
        static CacheRequest With(object? strict) => CacheKeys.Compute(
            [new ChatMessage(ChatRole.User, "q")],
            new ChatOptions
            {
                Tools = [AIFunctionFactory.Create(() => 1, new AIFunctionFactoryOptions
                {
                    Name = "lookup",
                    AdditionalProperties = strict is null ? null : new Dictionary<string, object?> { ["strictJsonSchema"] = strict },
                })],
            },
            Defaults,
            null);

        Assert.NotEqual(With(true).ExactKey, With(false).ExactKey);
        Assert.NotEqual(With(null).ExactKey, With(true).ExactKey);
        Assert.False(With(new object()).IsCacheable);
    }

    [Fact]
    public void Compute_HostedTool_NotCacheable()
    {
        // A hosted tool's identity is more than its name (an MCP server's address, a file search's inputs) and its
        // answer depends on the world (a web search): two MCP tools that differ only in their server shared a key.
        static CacheRequest With(AITool tool) => CacheKeys.Compute([new ChatMessage(ChatRole.User, "q")], new ChatOptions { Tools = [tool] }, Defaults, null);

        Assert.False(With(new HostedMcpServerTool("crm", "https://crm-a.example/mcp")).IsCacheable);
        Assert.False(With(new HostedWebSearchTool()).IsCacheable);
        Assert.True(With(AIFunctionFactory.Create(() => 42, "answer")).IsCacheable);
    }

    [Fact]
    public void Compute_RawRepresentationFactory_NotCacheable()
    {
        // A factory is a delegate: what it puts on the SDK's request (reasoning effort, logit bias, a JSON schema) cannot
        // be keyed, so two requests differing only in it shared one answer.
        static CacheRequest With(Func<IChatClient, object?>? factory) =>
            CacheKeys.Compute([new ChatMessage(ChatRole.User, "q")], new ChatOptions { RawRepresentationFactory = factory }, Defaults, null);

        Assert.False(With(_ => "effort=high").IsCacheable);
        Assert.True(With(null).IsCacheable);
    }

    [Fact]
    public void Compute_RawRepresentationFactoryWithCacheKey_CacheableAndKeyedByTheCallersKey()
    {
        static string? Key(string? factoryKey, bool factory = true)
        {
            var options = new ChatOptions { RawRepresentationFactory = factory ? _ => null : null };
            if (factoryKey is not null)
            {
                options.WithCacheRawRepresentationKey(factoryKey);
            }

            return CacheKeys.Compute([new ChatMessage(ChatRole.User, "q")], options, Defaults, null).ExactKey;
        }

        Assert.NotNull(Key("effort=high"));
        Assert.Equal(Key("effort=high"), Key("effort=high"));
        Assert.NotEqual(Key("effort=high"), Key("effort=low"));
        Assert.NotEqual(Key(null, factory: false), Key("effort=high"));

        // Without a factory the key describes nothing sent, so it changes nothing.
        Assert.Equal(Key(null, factory: false), Key("effort=high", factory: false));
    }

    [Fact]
    public void Compute_StateOnTheServer_NotCacheable()
    {
        Assert.False(CacheKeys.Compute([new ChatMessage(ChatRole.User, "q")], new ChatOptions { ConversationId = "c" }, Defaults, null).IsCacheable);
        Assert.False(CacheKeys.Compute([new ChatMessage(ChatRole.User, "q")], new ChatOptions { AllowBackgroundResponses = true }, Defaults, null).IsCacheable);
        Assert.False(CacheKeys.Compute([], null, Defaults, null).IsCacheable);
    }

    [Fact]
    public void Compute_ContentTheKeyCannotRepresent_NotCacheable()
    {
        var hosted = new ChatMessage(ChatRole.User, [new HostedFileContent("file-1")]);
        var odd = new ChatOptions { AdditionalProperties = new() { ["x"] = new object() } };

        Assert.False(CacheKeys.Compute([hosted], null, Defaults, null).IsCacheable);
        Assert.False(CacheKeys.Compute([new ChatMessage(ChatRole.User, "q")], odd, Defaults, null).IsCacheable);
    }

    [Fact]
    public void Compute_SingleTurn_HasPromptAndPartitionSharedByParaphrases()
    {
        var semantic = new LlmCachingOptions { Semantic = { Enabled = true } };
        var a = CacheKeys.Compute([new(ChatRole.System, "s"), new(ChatRole.User, " How? ")], null, semantic, null);
        var b = CacheKeys.Compute([new(ChatRole.System, "s"), new(ChatRole.User, "Why?")], null, semantic, null);
        var multi = CacheKeys.Compute([new(ChatRole.User, "a"), new(ChatRole.Assistant, "b"), new(ChatRole.User, "How?")], null, semantic, null);

        Assert.Equal("How?", a.Prompt);
        Assert.Equal(a.Partition, b.Partition);
        Assert.NotEqual(a.ExactKey, b.ExactKey);
        Assert.Null(multi.Prompt);
        Assert.NotEqual(a.Partition, multi.Partition);
        Assert.Null(CacheKeys.Compute([new(ChatRole.User, "q")], null, Defaults, null).Prompt);
    }

    private static (List<ChatMessage> Messages, ChatOptions Options) Request() =>
        ([new ChatMessage(ChatRole.System, "Be brief."), new ChatMessage(ChatRole.User, "What is Python?")],
         new ChatOptions { ModelId = "fast", Temperature = 0, Tools = [AIFunctionFactory.Create(() => 1, "lookup")] }.WithTenant("t").WithUser("u"));

    private static string Key(IList<ChatMessage> messages, ChatOptions? options, string? ns = null) =>
        CacheKeys.Compute(messages, options, Defaults, ns).ExactKey!;
}
