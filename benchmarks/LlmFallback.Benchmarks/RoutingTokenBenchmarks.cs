using System.Text;
using BenchmarkDotNet.Attributes;
using LlmFallback;
using Microsoft.Extensions.AI;

namespace LlmFallback.Benchmarks;

/// <summary>
/// Token counting for the context-window check, on a prompt of about 1,000 o200k_base tokens: the exact count (the
/// baseline), the approximate count (o200k × 1.2, for models without a public tokenizer), and the UTF-8 byte bound that
/// lets the check skip the tokenizer when a request obviously fits.
/// </summary>
[MemoryDiagnoser]
public class RoutingTokenBenchmarks
{
    private List<ChatMessage> _messages = null!;

    [GlobalSetup]
    public void Setup()
    {
        var text = new StringBuilder();
        var words = "the quick brown fox jumps over the lazy dog while a routing layer counts every token of the prompt before it picks a deployment".Split(' ');
        for (var i = 0; text.Length < 4_600; i++)
        {
            text.Append(words[i % words.Length]).Append(i % 17 == 0 ? ". " : " ");
        }

        _messages = [new(ChatRole.System, "You are a helpful assistant."), new(ChatRole.User, text.ToString())];
        Tokens = LlmTokenCounter.ForEncoding("o200k_base").CountTokens(_messages);
    }

    /// <summary>Gets the prompt's exact size (about 1,000 tokens), to turn times into throughput.</summary>
    public int Tokens { get; private set; }

    [Benchmark(Baseline = true)]
    public int CountO200k() => LlmTokenCounter.ForEncoding("o200k_base").CountTokens(_messages);

    [Benchmark]
    public int CountApproximate() => LlmTokenCounter.ForModel("claude-sonnet-4-5").CountTokens(_messages);

    [Benchmark]
    public int Utf8Bound() => new PromptTokens(_messages, null).UpperBound(LlmTokenCounter.ForEncoding("o200k_base"));
}
