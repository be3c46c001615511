using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Microsoft.Extensions.AI;

namespace LlmFallback.Benchmarks;

/// <summary>
/// The per-call cost of the safety stages over the bare client, in one run: a typical 400-character user message
/// without personal data, answered at once. Moderation is the local rule-based service with prompt-injection rules.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class SafetyStageBenchmarks
{
    private readonly List<ChatMessage> _messages =
    [
        new(ChatRole.System, "You are a helpful assistant for the finance team. Answer briefly."),
        new(ChatRole.User, "Please summarise the quarterly plan: revenue grew by twelve percent, driven by the new subscription tier, while costs stayed flat. The team agreed to hire two engineers for the platform group and to revisit the pricing page before the spring launch. Which of these should we present first to the board, and why?"),
    ];

    private IChatClient _bare = null!;
    private IChatClient _validation = null!;
    private IChatClient _moderation = null!;
    private IChatClient _pii = null!;
    private IChatClient _all = null!;

    [GlobalSetup]
    public void Setup()
    {
        _bare = new AnsweringClient();
        var moderator = new LocalModerationService(new LocalModerationOptions { DetectPromptInjection = true });
        _validation = new InputValidationChatClient(new AnsweringClient());
        _moderation = new ModerationChatClient(new AnsweringClient(), moderator);
        _pii = new PiiRedactionChatClient(new AnsweringClient());
        _all = new InputValidationChatClient(new ModerationChatClient(new PiiRedactionChatClient(new AnsweringClient()), moderator));
    }

    [Benchmark(Baseline = true), BenchmarkCategory("GetResponse")]
    public Task<ChatResponse> Bare() => _bare.GetResponseAsync(_messages);

    [Benchmark, BenchmarkCategory("GetResponse")]
    public Task<ChatResponse> UseInputValidation() => _validation.GetResponseAsync(_messages);

    [Benchmark, BenchmarkCategory("GetResponse")]
    public Task<ChatResponse> UseModerationLocal() => _moderation.GetResponseAsync(_messages);

    [Benchmark, BenchmarkCategory("GetResponse")]
    public Task<ChatResponse> UsePiiRedaction() => _pii.GetResponseAsync(_messages);

    [Benchmark, BenchmarkCategory("GetResponse")]
    public Task<ChatResponse> AllThree() => _all.GetResponseAsync(_messages);

    [Benchmark(Baseline = true), BenchmarkCategory("Streaming")]
    public Task<int> BareStream() => Streams.Drain(_bare.GetStreamingResponseAsync(_messages));

    [Benchmark, BenchmarkCategory("Streaming")]
    public Task<int> UseModerationLocalStream() => Streams.Drain(_moderation.GetStreamingResponseAsync(_messages));

    [Benchmark, BenchmarkCategory("Streaming")]
    public Task<int> UsePiiRedactionStream() => Streams.Drain(_pii.GetStreamingResponseAsync(_messages));
}
