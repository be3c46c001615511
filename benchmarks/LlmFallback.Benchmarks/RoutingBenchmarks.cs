using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using LlmFallback;
using Microsoft.Extensions.AI;

namespace LlmFallback.Benchmarks;

/// <summary>
/// The routing decision against a bare call, in one run. "Decision": the rule-based choice alone (three rules: tools,
/// metadata, keywords; the third matches) and with the plan (context check and round-robin order, one small object);
/// "Call": a whole routed call through <c>UseRouting</c> and <c>UseFallback</c> against <c>UseFallback</c> alone.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class RoutingBenchmarks
{
    private readonly List<ChatMessage> _messages = [new(ChatRole.User, "Please refactor this function.")];
    private readonly ChatOptions _options = new() { AdditionalProperties = new() { ["tier"] = "silver" } };
    private IChatClient _bare = null!;
    private RouteTable _table = null!;
    private IChatClient _fallback = null!;
    private IChatClient _routed = null!;

    [GlobalSetup]
    public void Setup()
    {
        LlmProvider[] providers =
        [
            new("a", new AnsweringClient(), new LlmProviderOptions { Model = "model-a", Capabilities = { ContextWindow = 128_000 } }),
            new("b", new AnsweringClient(), new LlmProviderOptions { Model = "model-b", Capabilities = { ContextWindow = 128_000 } }),
            new("c", new AnsweringClient(), new LlmProviderOptions { Model = "model-c", Capabilities = { ContextWindow = 200_000 } }),
        ];
        var options = new RoutingOptions { DefaultRoute = "fast" };
        options.Routes["fast"] = new LlmRouteOptions { Deployments = [new() { Provider = "a" }, new() { Provider = "b" }] };
        options.Routes["smart"] = new LlmRouteOptions { Deployments = [new() { Provider = "c" }, new() { Provider = "a" }], Strategy = LlmRoutingStrategy.RoundRobin };
        options.Rules =
        [
            new LlmRoutingRule { Name = "tools", Route = "smart", HasTools = true },
            new LlmRoutingRule { Name = "gold", Route = "smart", Metadata = { ["tier"] = "gold" } },
            new LlmRoutingRule { Name = "code", Route = "smart", Keywords = ["refactor", "stack trace", "exception"] },
        ];

        _bare = new AnsweringClient();
        _table = new RouteTable(options, providers, TimeProvider.System, "Llm", "options");
        _fallback = new FallbackChatClient([providers[0], providers[1]]);
        _routed = new LlmRoutingChatClient(new FallbackChatClient([providers[0], providers[1]]), providers, options);
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Decision")]
    public Task<ChatResponse> BareCall() => _bare.GetResponseAsync(_messages);

    [Benchmark, BenchmarkCategory("Decision")]
    public string? RuleDecision()
    {
        var tokens = new PromptTokens(_messages, _options);
        return _table.Choose(_messages, _options, ref tokens).Route?.Name;
    }

    [Benchmark, BenchmarkCategory("Decision")]
    public ulong RuleDecisionAndPlan()
    {
        var tokens = new PromptTokens(_messages, _options);
        var (route, decision) = _table.Choose(_messages, _options, ref tokens);
        return _table.Plan(route!, decision!, _options, ref tokens, streaming: false).Order;
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Call")]
    public Task<ChatResponse> UseFallback() => _fallback.GetResponseAsync(_messages, _options);

    [Benchmark, BenchmarkCategory("Call")]
    public Task<ChatResponse> UseRoutingThenFallback() => _routed.GetResponseAsync(_messages, _options);
}
