using BenchmarkDotNet.Attributes;
using LlmFallback;
using Microsoft.Extensions.AI;

namespace LlmFallback.Benchmarks;

/// <summary>
/// A 200-update stream through each client: what the fallback stage costs per streamed update (idle deadline moved,
/// update inspected) on top of its fixed per-stream cost.
/// </summary>
[MemoryDiagnoser]
public class LongStreamBenchmarks
{
    private const int Tokens = 200;
    private readonly List<ChatMessage> _messages = [new(ChatRole.User, "Write an essay.")];
    private IChatClient _bare = null!;
    private IChatClient _meai = null!;
    private IChatClient _fallback = null!;

    [GlobalSetup]
    public void Setup()
    {
        _bare = new AnsweringClient(Tokens);
        _meai = new OrderedFailoverChatClient([new AnsweringClient(Tokens), new AnsweringClient(Tokens)]);
        _fallback = new FallbackChatClient([
            new LlmProvider("primary", new AnsweringClient(Tokens), new LlmProviderOptions { Model = "model-a" }),
            new LlmProvider("secondary", new AnsweringClient(Tokens), new LlmProviderOptions { Model = "model-b" })]);
    }

    [Benchmark(Baseline = true)]
    public Task<int> BareStream200() => Streams.Drain(_bare.GetStreamingResponseAsync(_messages));

    [Benchmark]
    public Task<int> MeaiOrderedFailoverStream200() => Streams.Drain(_meai.GetStreamingResponseAsync(_messages));

    [Benchmark]
    public Task<int> UseFallbackStream200() => Streams.Drain(_fallback.GetStreamingResponseAsync(_messages));
}
