using System.Diagnostics;
using LlmFallback.Tests.Fallback;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace LlmFallback.Tests.Routing;

public sealed class RoutingChatClientTests
{
    private static readonly List<ChatMessage> Hello = [new(ChatRole.User, "hello")];

    private static RoutingFixture Fixture(out LlmRoutingChatClient router, Action<RoutingOptions>? configure = null)
    {
        var f = new RoutingFixture();
        f.Add("local", o => o.Model = "llama-3.1-8b");
        f.Add("openai", o => o.Model = "gpt-4o-mini");
        f.Add("anthropic", o => o.Model = "claude-sonnet-4-5");
        f.Add("azure", o => o.Model = "gpt-4o-mini");
        router = f.Router(RoutingFixture.Options(o =>
        {
            o.Routes["fast"] = RoutingFixture.Route(LlmRoutingStrategy.Ordered, "local", "openai");
            o.Routes["smart"] = RoutingFixture.Route(LlmRoutingStrategy.Ordered, "anthropic", "openai");
            o.Routes["smart"].Aliases = ["premium"];
            configure?.Invoke(o);
        }));
        return f;
    }

    [Theory]
    [InlineData("smart", "anthropic", "smart")]
    [InlineData("SMART", "anthropic", "smart")]
    [InlineData("premium", "anthropic", "smart")]
    [InlineData("fast", "local", "fast")]
    [InlineData("anthropic", "anthropic", "anthropic")]
    public async Task GetResponseAsync_ModelIdNamesRouteAliasOrProvider_ThatPlanAnswersAndTheDecisionIsExplicit(string modelId, string answered, string route)
    {
        var f = Fixture(out var router);

        var response = await router.GetResponseAsync(Hello, new ChatOptions { ModelId = modelId }, FallbackFixture.Ct);

        var info = response.GetLlmCallInfo()!;
        Assert.Equal(answered, response.Text);
        Assert.Equal(answered, info.Provider);
        Assert.Equal(route, info.Route!.Route);
        Assert.Equal(LlmRouteReason.Explicit, info.Route.Reason);
        Assert.Equal(f[answered].Model, response.ModelId);
    }

    [Fact]
    public async Task GetResponseAsync_ModelIdNamesAModelServedTwice_ModelGroupOfBothProviders()
    {
        var f = Fixture(out var router);
        var now = f["openai"].Clock.Now;
        f["openai"].Breaker.Isolate(now, TimeSpan.FromMinutes(1), LlmFailureKind.Authentication);

        var response = await router.GetResponseAsync(Hello, new ChatOptions { ModelId = "gpt-4o-mini" }, FallbackFixture.Ct);

        Assert.Equal("azure", response.GetLlmCallInfo()!.Provider);
        Assert.Equal("gpt-4o-mini", response.GetLlmCallInfo()!.Route!.Route);
    }

    [Fact]
    public async Task GetResponseAsync_UnknownModelId_ArgumentExceptionNamingItAndTheRoutesAndNoProviderCalled()
    {
        var f = Fixture(out var router);

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => router.GetResponseAsync(Hello, new ChatOptions { ModelId = "gpt-9" }, FallbackFixture.Ct));

        Assert.Equal("options", ex.ParamName);
        Assert.StartsWith("No route, alias, model or provider is named 'gpt-9'. Known routes: fast, premium, smart;", ex.Message, StringComparison.Ordinal);
        Assert.All(f.Clients.Values, c => Assert.Equal(0, c.CallCount));
    }

    [Fact]
    public async Task GetResponseAsync_WithRoute_WinsOverModelIdAndUnknownRouteThrows()
    {
        Fixture(out var router);

        var response = await router.GetResponseAsync(Hello, new ChatOptions { ModelId = "fast" }.WithRoute("smart"), FallbackFixture.Ct);

        Assert.Equal("anthropic", response.Text);
        await Assert.ThrowsAsync<ArgumentException>(() => router.GetResponseAsync(Hello, new ChatOptions().WithRoute("nope"), FallbackFixture.Ct));
    }

    [Fact]
    public async Task GetResponseAsync_Routed_CallerOptionsUntouchedAndProvidersNeverSeeTheRouteName()
    {
        var f = Fixture(out var router);
        var options = new ChatOptions { ModelId = "smart", Temperature = 0.2f }.WithUser("u1");

        await router.GetResponseAsync(Hello, options, FallbackFixture.Ct);

        Assert.Equal("smart", options.ModelId);
        Assert.Equal(["llmfallback.user"], options.AdditionalProperties!.Keys);
        var sent = f.Clients["anthropic"].Calls.Single().Options!;
        Assert.Null(sent.ModelId);
        Assert.Equal(0.2f, sent.Temperature);
        Assert.Equal("u1", sent.GetUser());
    }

    [Fact]
    public async Task GetResponseAsync_NothingNamedNoRuleNoDefault_PassesThroughToTheStageChainUnrouted()
    {
        var f = Fixture(out var router);

        var response = await router.GetResponseAsync(Hello, null, FallbackFixture.Ct);

        Assert.Equal("local", response.Text);
        Assert.Null(response.GetLlmCallInfo()!.Route);
    }

    [Fact]
    public async Task GetResponseAsync_DefaultRoute_TakenWithReasonDefault()
    {
        Fixture(out var router, o => o.DefaultRoute = "smart");

        var response = await router.GetResponseAsync(Hello, null, FallbackFixture.Ct);

        Assert.Equal("anthropic", response.Text);
        Assert.Equal(LlmRouteReason.Default, response.GetLlmCallInfo()!.Route!.Reason);
    }

    [Fact]
    public async Task GetResponseAsync_Rules_FirstMatchingRuleInOrderWithItsName()
    {
        Fixture(out var router, o =>
        {
            o.Rules = [
                new LlmRoutingRule { Name = "tools", Route = "smart", HasTools = true },
                new LlmRoutingRule { Name = "vip", Route = "premium", Metadata = { ["tier"] = "gold" } },
                new LlmRoutingRule { Name = "code", Route = "smart", Keywords = ["refactor", "stack trace"] },
                new LlmRoutingRule { Name = "images", Route = "smart", HasImages = true },
                new LlmRoutingRule { Name = "long", Route = "smart", MinPromptTokens = 50 },
            ];
            o.DefaultRoute = "fast";
        });

        async Task<string?> DetailAsync(List<ChatMessage> messages, ChatOptions? options = null) =>
            (await router.GetResponseAsync(messages, options, FallbackFixture.Ct)).GetLlmCallInfo()!.Route!.Detail;

        Assert.Equal("tools", await DetailAsync(Hello, new ChatOptions { Tools = [AIFunctionFactory.Create(() => 1, "one")] }));
        var gold = new ChatOptions { AdditionalProperties = new() { ["tier"] = "gold" } };
        Assert.Equal("vip", await DetailAsync(Hello, gold));
        Assert.Equal("code", await DetailAsync([new(ChatRole.User, "Please REFACTOR this")]));
        Assert.Equal("images", await DetailAsync([new(ChatRole.User, [new TextContent("what is it"), new DataContent(new byte[] { 1 }, "image/png")])]));
        Assert.Equal("long", await DetailAsync([new(ChatRole.User, string.Join(' ', Enumerable.Repeat("token", 60)))]));
        Assert.Null(await DetailAsync([new(ChatRole.User, string.Join(' ', Enumerable.Repeat("token", 30)))]));
        Assert.Null(await DetailAsync(Hello));
    }

    [Fact]
    public async Task GetResponseAsync_RuleWithMaxPromptTokensIntMax_MatchesAnySize()
    {
        // MaxPromptTokens + 1 wrapped to int.MinValue: "at least int.MinValue tokens" held for every request, so the
        // rule never matched.
        Fixture(out var router, o =>
        {
            o.Rules = [new LlmRoutingRule { Name = "any", Route = "smart", MaxPromptTokens = int.MaxValue }];
            o.DefaultRoute = "fast";
        });

        var response = await router.GetResponseAsync(Hello, null, FallbackFixture.Ct);

        Assert.Equal(("any", LlmRouteReason.Rule), (response.GetLlmCallInfo()!.Route!.Detail, response.GetLlmCallInfo()!.Route!.Reason));
    }

    [Fact]
    public async Task GetResponseAsync_ComplexityHeuristic_SimpleAndComplexRequestsSplit()
    {
        Fixture(out var router, o => o.Complexity = new ComplexityRoutingOptions { SimpleRoute = "fast", ComplexRoute = "smart" });

        var simple = await router.GetResponseAsync([new(ChatRole.User, "What is Python?")], null, FallbackFixture.Ct);
        var complex = await router.GetResponseAsync([new(ChatRole.User, "Explain step by step why quicksort is O(n log n) on average, compare it with mergesort, and design an implementation.")], null, FallbackFixture.Ct);

        Assert.Equal(("local", "simple"), (simple.Text, simple.GetLlmCallInfo()!.Route!.Detail));
        Assert.Equal(("anthropic", "complex"), (complex.Text, complex.GetLlmCallInfo()!.Route!.Detail));
        Assert.Equal(LlmRouteReason.Classifier, complex.GetLlmCallInfo()!.Route!.Reason);
    }

    [Fact]
    public async Task GetResponseAsync_CustomClassifier_UsedAfterRulesAndFailureFallsToDefault()
    {
        var f = new RoutingFixture();
        f.Add("local");
        f.Add("anthropic");
        var classifier = new DelegateClassifier((m, _) => m[^1].Text == "boom" ? throw new InvalidOperationException("x") : new LlmRouteClassification("smart", "0.91"));
        var router = f.Router(RoutingFixture.Options(o =>
        {
            o.Routes["fast"] = RoutingFixture.Route(LlmRoutingStrategy.Ordered, "local");
            o.Routes["smart"] = RoutingFixture.Route(LlmRoutingStrategy.Ordered, "anthropic");
            o.DefaultRoute = "fast";
        }), classifier: classifier);

        var classified = await router.GetResponseAsync(Hello, null, FallbackFixture.Ct);
        var failed = await router.GetResponseAsync([new(ChatRole.User, "boom")], null, FallbackFixture.Ct);

        Assert.Equal("smart (classifier: 0.91)", classified.GetLlmCallInfo()!.Route!.ToString());
        Assert.Equal(("local", LlmRouteReason.Default), (failed.Text, failed.GetLlmCallInfo()!.Route!.Reason));
        Assert.Equal(1, f.Fallback.Logged("ClassifierFailed"));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_Routed_FinalUpdateCarriesTheDecision()
    {
        Fixture(out var router);

        var result = await StreamResult.DrainAsync(router.GetStreamingResponseAsync(Hello, new ChatOptions { ModelId = "premium" }, FallbackFixture.Ct));

        Assert.Null(result.Error);
        Assert.Equal("anthropic", result.Text);
        var info = result.Updates[^1].GetLlmCallInfo()!;
        Assert.Equal(("smart", LlmRouteReason.Explicit), (info.Route!.Route, info.Route.Reason));
    }

    [Fact]
    public void GetStreamingResponseAsync_UnknownModelId_ThrowsAtOnce()
    {
        Fixture(out var router);

        Assert.Throws<ArgumentException>(() => router.GetStreamingResponseAsync(Hello, new ChatOptions { ModelId = "nope" }, FallbackFixture.Ct));
    }

    [Fact]
    public async Task GetResponseAsync_Routed_ActivityTaggedAndDecisionCounted()
    {
        Fixture(out var router);
        var tags = new List<KeyValuePair<string, object?>>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == LlmFallbackDiagnostics.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if (a.OperationName == "llmfallback.chat" && a.GetTagItem("llmfallback.route") is not null)
                {
                    lock (tags)
                    {
                        tags.AddRange(a.TagObjects);
                    }
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        using var decisions = new MetricCollector<long>(null, LlmFallbackDiagnostics.Name, RoutingDiagnostics.DecisionsInstrument);

        await router.GetResponseAsync(Hello, new ChatOptions { ModelId = "premium" }, FallbackFixture.Ct);

        lock (tags)
        {
            Assert.Contains(new KeyValuePair<string, object?>("llmfallback.route", "smart"), tags);
            Assert.Contains(new KeyValuePair<string, object?>("llmfallback.route.reason", "explicit"), tags);
        }

        Assert.Contains(decisions.GetMeasurementSnapshot(), m => m.Tags["llmfallback.route"] as string == "smart" && m.Tags["llmfallback.route.reason"] as string == "explicit");
    }

    [Fact]
    public void Constructor_NoFallbackStageInside_InvalidOperationException()
    {
        var f = new RoutingFixture();
        f.Add("a");

        var ex = Assert.Throws<InvalidOperationException>(() => new LlmRoutingChatClient(new TestChatClient(), f.Providers, new RoutingOptions()));

        Assert.StartsWith("UseRouting must be placed outside UseFallback", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_NullArguments_Throw()
    {
        var f = new RoutingFixture();
        f.Add("a");
        var inner = f.Fallback.Client(f.Providers);

        Assert.Throws<ArgumentNullException>("innerClient", () => new LlmRoutingChatClient(null!, f.Providers, new RoutingOptions()));
        Assert.Throws<ArgumentNullException>("providers", () => new LlmRoutingChatClient(inner, null!, new RoutingOptions()));
        Assert.Throws<ArgumentNullException>("options", () => new LlmRoutingChatClient(inner, f.Providers, null!));
    }

    [Fact]
    public async Task Methods_NullMessages_Throw()
    {
        Fixture(out var router);

        await Assert.ThrowsAsync<ArgumentNullException>("messages", () => router.GetResponseAsync(null!, null, FallbackFixture.Ct));
        Assert.Throws<ArgumentNullException>("messages", () => router.GetStreamingResponseAsync(null!, null, FallbackFixture.Ct));
    }

    [Fact]
    public void Constructor_InvalidRoute_ArgumentExceptionNamingTheKey()
    {
        var f = new RoutingFixture();
        f.Add("a");

        var ex = Assert.Throws<ArgumentException>(() => f.Router(RoutingFixture.Options(o => o.Routes["r"] = RoutingFixture.Route(LlmRoutingStrategy.Ordered, "a", "ghost"))));

        Assert.Equal("options", ex.ParamName);
        Assert.StartsWith("Llm:Routes:r:Deployments:1 names provider 'ghost', which is not registered. Registered providers: a.", ex.Message, StringComparison.Ordinal);
    }

    private sealed class DelegateClassifier(Func<IReadOnlyList<ChatMessage>, ChatOptions?, LlmRouteClassification> classify) : ILlmRouteClassifier
    {
        public ValueTask<LlmRouteClassification> ClassifyAsync(IReadOnlyList<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken) =>
            ValueTask.FromResult(classify(messages, options));
    }
}
