using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace LlmFallback;

/// <summary>The cost-optimisation instruments, on the shared <c>LlmFallback</c> meter.</summary>
internal static class CostOptimizationDiagnostics
{
    public const string TokensSavedInstrument = "llmfallback.tokens.saved";
    public const string TechniqueTag = "llmfallback.technique";

    public static readonly Counter<long> TokensSaved = LlmFallbackDiagnostics.Meter.CreateCounter<long>(TokensSavedInstrument, "{token}", "Prompt tokens not sent thanks to compaction, history reduction and context selection.");

    public static void RecordSaved(long tokens, string technique)
    {
        if (tokens > 0 && TokensSaved.Enabled)
        {
            var tags = default(TagList);
            tags.Add(TechniqueTag, technique);
            TokensSaved.Add(tokens, in tags);
        }
    }
}
