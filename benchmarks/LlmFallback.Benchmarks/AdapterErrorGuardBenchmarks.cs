using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using LlmFallback.OpenAI;
using Microsoft.Extensions.AI;

namespace LlmFallback.Benchmarks;

/// <summary>
/// What an adapter's error guard costs a successful call: the OpenAI adapter's client (which catches the SDK's
/// exceptions to surface them classified and without credentials) over an in-process client that answers at once,
/// against that client alone. The SDK and HTTP costs, which dwarf both, are left out on purpose.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class AdapterErrorGuardBenchmarks
{
    private readonly List<ChatMessage> _messages = [new(ChatRole.User, "Say hello.")];
    private IChatClient _bare = null!;
    private IChatClient _adapter = null!;

    [GlobalSetup]
    public void Setup()
    {
        _bare = new AnsweringClient();
        _adapter = new OpenAIAdapterChatClient(new AnsweringClient(), "openai", OpenAIPrefillMode.None, new OpenAIFailureClassifier(), ["sk-benchmark-0123456789"]);
    }

    [Benchmark(Baseline = true), BenchmarkCategory("GetResponse")]
    public Task<ChatResponse> Bare() => _bare.GetResponseAsync(_messages);

    [Benchmark, BenchmarkCategory("GetResponse")]
    public Task<ChatResponse> OpenAIAdapter() => _adapter.GetResponseAsync(_messages);

    [Benchmark(Baseline = true), BenchmarkCategory("Streaming")]
    public Task<int> BareStream() => Streams.Drain(_bare.GetStreamingResponseAsync(_messages));

    [Benchmark, BenchmarkCategory("Streaming")]
    public Task<int> OpenAIAdapterStream() => Streams.Drain(_adapter.GetStreamingResponseAsync(_messages));
}
