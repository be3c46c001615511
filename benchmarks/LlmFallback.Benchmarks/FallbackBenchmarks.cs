using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using LlmFallback;
using Microsoft.Extensions.AI;

namespace LlmFallback.Benchmarks;

/// <summary>
/// The fallback stage against its baselines, in one run: the bare provider client, Microsoft.Extensions.AI's
/// <see cref="OrderedFailoverChatClient"/>, and <see cref="FallbackChatClient"/> (what <c>UseFallback</c> builds) with
/// its default policy (attempt timeout armed, breaker on). "PrimaryFails": the first provider fails every call with a
/// 503 before any output and the second answers; the breaker is off there so every call really fails over.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class FallbackBenchmarks
{
    private readonly List<ChatMessage> _messages = [new(ChatRole.User, "Say hello.")];
    private IChatClient _bare = null!;
    private IChatClient _meai = null!;
    private IChatClient _fallback = null!;
    private IChatClient _meaiFailing = null!;
    private IChatClient _fallbackFailing = null!;

    [GlobalSetup]
    public void Setup()
    {
        _bare = new AnsweringClient();
        _meai = new OrderedFailoverChatClient([new AnsweringClient(), new AnsweringClient()]);
        _fallback = new FallbackChatClient([
            new LlmProvider("primary", new AnsweringClient(), new LlmProviderOptions { Model = "model-a" }),
            new LlmProvider("secondary", new AnsweringClient(), new LlmProviderOptions { Model = "model-b" })]);

        _meaiFailing = new OrderedFailoverChatClient([new FailingClient(), new AnsweringClient()]);
        var noBreaker = new LlmProviderOptions { Model = "model-a", Resilience = { MaxRetries = 0, CircuitBreaker = { Enabled = false } } };
        _fallbackFailing = new FallbackChatClient([
            new LlmProvider("primary", new FailingClient(), noBreaker),
            new LlmProvider("secondary", new AnsweringClient(), new LlmProviderOptions { Model = "model-b" })],
            retryBudget: null);
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Success", "GetResponse")]
    public Task<ChatResponse> Bare() => _bare.GetResponseAsync(_messages);

    [Benchmark, BenchmarkCategory("Success", "GetResponse")]
    public Task<ChatResponse> MeaiOrderedFailover() => _meai.GetResponseAsync(_messages);

    [Benchmark, BenchmarkCategory("Success", "GetResponse")]
    public Task<ChatResponse> UseFallback() => _fallback.GetResponseAsync(_messages);

    [Benchmark(Baseline = true), BenchmarkCategory("Success", "Streaming")]
    public Task<int> BareStream() => Streams.Drain(_bare.GetStreamingResponseAsync(_messages));

    [Benchmark, BenchmarkCategory("Success", "Streaming")]
    public Task<int> MeaiOrderedFailoverStream() => Streams.Drain(_meai.GetStreamingResponseAsync(_messages));

    [Benchmark, BenchmarkCategory("Success", "Streaming")]
    public Task<int> UseFallbackStream() => Streams.Drain(_fallback.GetStreamingResponseAsync(_messages));

    [Benchmark(Baseline = true), BenchmarkCategory("PrimaryFails", "GetResponse")]
    public Task<ChatResponse> MeaiOrderedFailoverPrimaryFails() => _meaiFailing.GetResponseAsync(_messages);

    [Benchmark, BenchmarkCategory("PrimaryFails", "GetResponse")]
    public Task<ChatResponse> UseFallbackPrimaryFails() => _fallbackFailing.GetResponseAsync(_messages);

    [Benchmark(Baseline = true), BenchmarkCategory("PrimaryFails", "Streaming")]
    public Task<int> MeaiOrderedFailoverPrimaryFailsStream() => Streams.Drain(_meaiFailing.GetStreamingResponseAsync(_messages));

    [Benchmark, BenchmarkCategory("PrimaryFails", "Streaming")]
    public Task<int> UseFallbackPrimaryFailsStream() => Streams.Drain(_fallbackFailing.GetStreamingResponseAsync(_messages));
}
