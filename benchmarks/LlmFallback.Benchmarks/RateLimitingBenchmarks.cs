using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using LlmFallback;
using Microsoft.Extensions.AI;

namespace LlmFallback.Benchmarks;

/// <summary>
/// What the rate-limiting stage adds per call, against the bare client in the same run: a requests-per-minute limit
/// per user and tenant (two buckets), and the same plus a tokens-per-minute limit (which counts the prompt's tokens).
/// Limits are high enough never to refuse; the budget stage (one daily tenant budget, estimate priced) is shown too.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class RateLimitingBenchmarks
{
    private readonly List<ChatMessage> _messages = [new(ChatRole.User, "Say hello.")];
    private readonly ChatOptions _options = new ChatOptions { ModelId = "gpt-4o-mini" }.WithTenant("acme").WithUser("user-42");
    private IChatClient _bare = null!;
    private IChatClient _requests = null!;
    private IChatClient _requestsAndTokens = null!;
    private IChatClient _budgets = null!;

    [GlobalSetup]
    public void Setup()
    {
        _bare = new UsageClient();
        _requests = new RateLimitingChatClient(new UsageClient(), new InMemoryRateLimitStore(), new RateLimitingOptions
        {
            PerUser = { RequestsPerMinute = int.MaxValue },
            PerTenant = { RequestsPerMinute = int.MaxValue },
        });
        _requestsAndTokens = new RateLimitingChatClient(new UsageClient(), new InMemoryRateLimitStore(), new RateLimitingOptions
        {
            PerUser = { RequestsPerMinute = int.MaxValue, TokensPerMinute = int.MaxValue },
            PerTenant = { RequestsPerMinute = int.MaxValue },
        });
        var budgets = new BudgetOptions();
        budgets.PerTenant.Daily = 1_000_000_000m;
        _budgets = new BudgetsChatClient(new UsageClient(), new InMemoryBudgetStore(), budgets);
    }

    [Benchmark(Baseline = true)]
    public Task<ChatResponse> Bare() => _bare.GetResponseAsync(_messages, _options);

    [Benchmark]
    public Task<ChatResponse> RequestsPerMinute() => _requests.GetResponseAsync(_messages, _options);

    [Benchmark]
    public Task<ChatResponse> RequestsAndTokensPerMinute() => _requestsAndTokens.GetResponseAsync(_messages, _options);

    [Benchmark]
    public Task<ChatResponse> DailyBudget() => _budgets.GetResponseAsync(_messages, _options);
}
