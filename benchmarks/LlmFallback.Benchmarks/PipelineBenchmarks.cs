using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LlmFallback.Benchmarks;

/// <summary>
/// The whole default pipeline (<c>AddLlmFallbackDefaults</c> + <c>UseLlmFallbackDefaults</c>) against the bare client,
/// in one run: input validation, per-user rate limit, per-user daily budget, local moderation (a word list), PII
/// redaction, cost metering (a priced model that reports usage) and the fallback stage, every one of them doing its work on a request with
/// no PII and nothing to block. "CacheHit" adds the exact cache and asks the same question every time.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class PipelineBenchmarks
{
    private readonly List<ChatMessage> _messages = [new(ChatRole.User, "Summarise the plot of Hamlet in two sentences, please.")];
    private readonly ChatOptions _options = new ChatOptions().WithUser("user-1");
    private ServiceProvider _services = null!;
    private ServiceProvider _cachedServices = null!;
    private IChatClient _bare = null!;
    private IChatClient _pipeline = null!;
    private IChatClient _cachedPipeline = null!;

    [GlobalSetup]
    public void Setup()
    {
        _bare = new UsageClient();
        (_services, _pipeline) = Build(cache: false);
        (_cachedServices, _cachedPipeline) = Build(cache: true);
        _ = _cachedPipeline.GetResponseAsync(_messages, _options).GetAwaiter().GetResult();
        var hit = _cachedPipeline.GetResponseAsync(_messages, _options).GetAwaiter().GetResult().GetLlmCallInfo();
        var miss = _pipeline.GetResponseAsync(_messages, _options).GetAwaiter().GetResult().GetLlmCallInfo();
        if (hit?.CacheHit != true || miss?.Cost is null)
        {
            throw new InvalidOperationException($"The benchmark's pipelines do not do what they measure: cache hit {hit?.CacheHit}, cost {miss?.Cost}.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _services.Dispose();
        _cachedServices.Dispose();
    }

    [Benchmark(Baseline = true), BenchmarkCategory("GetResponse")]
    public Task<ChatResponse> Bare() => _bare.GetResponseAsync(_messages, _options);

    [Benchmark, BenchmarkCategory("GetResponse")]
    public Task<ChatResponse> EveryStage() => _pipeline.GetResponseAsync(_messages, _options);

    [Benchmark, BenchmarkCategory("GetResponse")]
    public Task<ChatResponse> EveryStageCacheHit() => _cachedPipeline.GetResponseAsync(_messages, _options);

    [Benchmark(Baseline = true), BenchmarkCategory("Streaming")]
    public Task<int> BareStream() => Streams.Drain(_bare.GetStreamingResponseAsync(_messages, _options));

    [Benchmark, BenchmarkCategory("Streaming")]
    public Task<int> EveryStageStream() => Streams.Drain(_pipeline.GetStreamingResponseAsync(_messages, _options));

    private static (ServiceProvider Services, IChatClient Client) Build(bool cache)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Llm:RateLimiting:PerUser:RequestsPerMinute"] = "1000000000",
            ["Llm:Budgets:PerUser:Daily"] = "1000000000",
            ["Llm:Moderation:Local:Categories:forbidden:Words:0"] = "contraband",
            ["Llm:Moderation:Actions:forbidden"] = "Block",
            ["Llm:Pii:DefaultAction"] = "Redact",
        };
        if (cache)
        {
            settings["Llm:Caching:Enabled"] = "true";
        }

        var llm = new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection("Llm");
        var services = new ServiceCollection();
        services.AddLlmProviders(llm).AddProvider("primary", _ => new UsageClient(), o => o.Model = "gpt-4o-mini");
        services.AddLlmFallbackDefaults(llm);
        services.AddFallbackChatClient("primary").UseLlmFallbackDefaults();
        var provider = services.BuildServiceProvider();
        return (provider, provider.GetRequiredService<IChatClient>());
    }
}
