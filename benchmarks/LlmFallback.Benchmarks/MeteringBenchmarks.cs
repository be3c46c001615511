using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using LlmFallback;
using Microsoft.Extensions.AI;

namespace LlmFallback.Benchmarks;

/// <summary>
/// What cost metering adds per call, against the bare client in the same run: pricing the reported usage (no ledger),
/// pricing and recording in the in-memory ledger, and estimating usage with the tokenizer when the provider reports none.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class MeteringBenchmarks
{
    private readonly List<ChatMessage> _messages = [new(ChatRole.User, "Say hello.")];
    private readonly ChatOptions _options = new ChatOptions { ModelId = "fast" }.WithTenant("acme").WithUser("user-42");
    private IChatClient _bare = null!;
    private IChatClient _metered = null!;
    private IChatClient _meteredLedger = null!;
    private IChatClient _bareNoUsage = null!;
    private IChatClient _meteredEstimate = null!;

    [GlobalSetup]
    public void Setup()
    {
        _bare = new UsageClient();
        _metered = new CostMeteringChatClient(new UsageClient());
        _meteredLedger = new CostMeteringChatClient(new UsageClient(), ledger: new InMemoryCostLedger());
        _bareNoUsage = new UsageClient(reportUsage: false);
        _meteredEstimate = new CostMeteringChatClient(new UsageClient(reportUsage: false));
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Usage", "GetResponse")]
    public Task<ChatResponse> Bare() => _bare.GetResponseAsync(_messages, _options);

    [Benchmark, BenchmarkCategory("Usage", "GetResponse")]
    public Task<ChatResponse> Metered() => _metered.GetResponseAsync(_messages, _options);

    [Benchmark, BenchmarkCategory("Usage", "GetResponse")]
    public Task<ChatResponse> MeteredWithLedger() => _meteredLedger.GetResponseAsync(_messages, _options);

    [Benchmark(Baseline = true), BenchmarkCategory("Usage", "Streaming")]
    public Task<int> BareStream() => Streams.Drain(_bare.GetStreamingResponseAsync(_messages, _options));

    [Benchmark, BenchmarkCategory("Usage", "Streaming")]
    public Task<int> MeteredStream() => Streams.Drain(_metered.GetStreamingResponseAsync(_messages, _options));

    [Benchmark(Baseline = true), BenchmarkCategory("NoUsage", "GetResponse")]
    public Task<ChatResponse> BareNoUsage() => _bareNoUsage.GetResponseAsync(_messages, _options);

    [Benchmark, BenchmarkCategory("NoUsage", "GetResponse")]
    public Task<ChatResponse> MeteredEstimated() => _meteredEstimate.GetResponseAsync(_messages, _options);
}
