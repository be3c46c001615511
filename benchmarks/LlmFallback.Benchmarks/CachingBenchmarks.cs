using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LlmFallback.Benchmarks;

/// <summary>
/// An exact cache hit, in memory, against its baselines in one run: the bare client (no cache) and
/// Microsoft.Extensions.AI's <see cref="DistributedCachingChatClient"/> over <see cref="MemoryDistributedCache"/>.
/// The request is a system prompt plus a user question, with a temperature and a user id, as a gateway sends it.
/// </summary>
[MemoryDiagnoser]
public class CachingBenchmarks
{
    private readonly List<ChatMessage> _messages =
    [
        new(ChatRole.System, "You are a helpful support assistant for an online shop. Answer briefly."),
        new(ChatRole.User, "What is your refund policy for orders over $50 that arrived damaged?"),
    ];

    private readonly ChatOptions _options = new ChatOptions { ModelId = "fast", Temperature = 0 }.WithUser("user-42");
    private ServiceProvider _services = null!;
    private IChatClient _bare = null!;
    private IChatClient _meai = null!;
    private IChatClient _caching = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        _bare = new AnsweringClient();
        _meai = new DistributedCachingChatClient(new AnsweringClient(), new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions())));
        _services = new ServiceCollection().AddLlmCaching().BuildServiceProvider();
        _caching = new LlmCachingChatClient(new AnsweringClient(), _services.GetRequiredService<LlmResponseCache>());

        // Warm both caches: every measured call is a hit.
        await _meai.GetResponseAsync(_messages, _options);
        await _caching.GetResponseAsync(_messages, _options);
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    [Benchmark(Baseline = true)]
    public Task<ChatResponse> BareClient() => _bare.GetResponseAsync(_messages, _options);

    [Benchmark]
    public Task<ChatResponse> MeaiDistributedCacheHit() => _meai.GetResponseAsync(_messages, _options);

    [Benchmark]
    public Task<ChatResponse> UseCachingExactHit() => _caching.GetResponseAsync(_messages, _options);
}
