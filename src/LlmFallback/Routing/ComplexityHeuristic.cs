using System.Buffers;
using Microsoft.Extensions.AI;

namespace LlmFallback;

/// <summary>
/// The default complexity classifier: a score from 0 (simple) to 1 (complex) from the last user message, in one pass
/// without allocating. Length (up to 0.3 at 1,500 characters), code (0.25), reasoning and design words (0.2 each, up to
/// three), several questions (0.1), tools declared (0.1), and a long conversation (0.1, past six messages).
/// </summary>
internal static class ComplexityHeuristic
{
    private static readonly SearchValues<string> ReasoningWords = SearchValues.Create(
        ["why ", "explain", "analy", "prove", "proof", "derive", "compare", "design", "architect", "optimi", "debug",
         "refactor", "step by step", "trade-off", "tradeoff", "evaluate", "implement", "algorithm", "reason", "plan ",
         "strateg", "critique", "summari", "translate", "calculate", "solve"],
        StringComparison.OrdinalIgnoreCase);

    private static readonly SearchValues<string> CodeMarks = SearchValues.Create(["```", "def ", "class ", "function ", "=>", "#include", "SELECT "], StringComparison.Ordinal);

    public static double Score(in RequestFacts facts)
    {
        var score = 0.0;
        var length = 0;
        var words = 0;
        var questions = 0;
        var code = false;
        if (facts.LastUserText is { } contents)
        {
            for (var i = 0; i < contents.Count; i++)
            {
                if (contents[i] is not TextContent { Text: { } text })
                {
                    continue;
                }

                var span = text.AsSpan();
                length += span.Length;
                code |= span.IndexOfAny(CodeMarks) >= 0;
                questions += span.Count('?');
                while (words < 3 && span.IndexOfAny(ReasoningWords) is var at and >= 0)
                {
                    words++;
                    span = span[(at + 1)..];
                }
            }
        }

        score += Math.Min(length / 1500.0, 1.0) * 0.3;
        score += code ? 0.25 : 0;
        score += words * 0.2;
        score += questions >= 2 ? 0.1 : 0;
        score += facts.HasTools ? 0.1 : 0;
        score += facts.Turns > 6 ? 0.1 : 0;
        return Math.Min(score, 1.0);
    }
}
