using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using LlmFallback;
using Microsoft.Extensions.AI;

namespace LlmFallback.Benchmarks;

/// <summary>
/// The history portability step every adapter runs on every request (<see cref="LlmPortability.Prepare"/>), on a
/// 10-turn tool loop (21 messages), against a baseline in the same run: one pass over every content of the history,
/// the least any adapter does to build a request from it. "Native": the history is the target's own (Anthropic's
/// signed thinking and tool-use ids going to Anthropic), so nothing changes. "Foreign": the same loop made by Gemini
/// goes to Anthropic (signatures dropped, ids kept) and to OpenAI with 60-character ids (ids replaced).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class PortabilityBenchmarks
{
    private static readonly LlmPortabilityTarget Anthropic = new(LlmProviderFamily.Anthropic) { ToolCallIdsLettersDigitsUnderscoreHyphen = true, ReasoningRequiresSignature = true };
    private static readonly LlmPortabilityTarget OpenAI = new(LlmProviderFamily.OpenAI) { MaxToolCallIdLength = 40, ToolResultMediaInUserMessage = true };

    private List<ChatMessage> _native = null!;
    private List<ChatMessage> _foreign = null!;
    private List<ChatMessage> _longIds = null!;
    private ChatResponse _text = null!;

    [GlobalSetup]
    public void Setup()
    {
        _native = Loop(LlmProviderFamily.Anthropic, i => $"toolu_01Abc{i}");
        _foreign = Loop(LlmProviderFamily.Gemini, i => $"gemini_{i:x16}");
        _longIds = Loop(LlmProviderFamily.Gemini, i => $"call_{new string('x', 50)}{i}");
        _text = new ChatResponse(new ChatMessage(ChatRole.Assistant, "Paris is sunny."));
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Native")]
    public int Scan_Native() => Scan(_native);

    [Benchmark, BenchmarkCategory("Native")]
    public object Prepare_Native() => LlmPortability.Prepare(_native, Anthropic);

    [Benchmark(Baseline = true), BenchmarkCategory("Foreign")]
    public int Scan_Foreign() => Scan(_foreign);

    [Benchmark, BenchmarkCategory("Foreign")]
    public object Prepare_ForeignSignatures() => LlmPortability.Prepare(_foreign, Anthropic);

    [Benchmark, BenchmarkCategory("Foreign")]
    public object Prepare_ForeignIds() => LlmPortability.Prepare(_longIds, OpenAI);

    [Benchmark(Baseline = true), BenchmarkCategory("Record")]
    public int Scan_TextResponse() => Scan(_text.Messages);

    [Benchmark, BenchmarkCategory("Record")]
    public ChatResponse RecordOrigin_TextResponse()
    {
        LlmContentOrigin.Record(_text, LlmProviderFamily.OpenAI);
        return _text;
    }

    private static int Scan(IList<ChatMessage> history)
    {
        var count = 0;
        for (var i = 0; i < history.Count; i++)
        {
            var contents = history[i].Contents;
            for (var j = 0; j < contents.Count; j++)
            {
                count += contents[j] is FunctionCallContent or FunctionResultContent or TextReasoningContent ? 1 : 0;
            }
        }

        return count;
    }

    private static List<ChatMessage> Loop(string family, Func<int, string> id)
    {
        var history = new List<ChatMessage> { new(ChatRole.User, "Plan my week.") };
        for (var i = 0; i < 10; i++)
        {
            var reasoning = new TextReasoningContent("Next step.") { ProtectedData = "signature-" + i };
            reasoning.SetOrigin(family);
            var call = new FunctionCallContent(id(i), "lookup", new Dictionary<string, object?> { ["day"] = i });
            call.SetOrigin(family);
            history.Add(new ChatMessage(ChatRole.Assistant, [reasoning, call]));
            history.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(call.CallId, "done")]));
        }

        return history;
    }
}
