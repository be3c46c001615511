using Microsoft.Extensions.AI;

namespace LlmFallback.Gemini;

/// <summary>
/// Maps <see cref="ReasoningEffort"/> to each model family's thinking control, from the Gemini thinking guide: Gemini 3
/// takes <c>thinkingLevel</c> (Pro: <c>low</c>/<c>high</c>; Flash and Flash-Lite also <c>minimal</c> and
/// <c>medium</c>); Gemini 2.5 takes <c>thinkingBudget</c> in tokens (Pro 128–32768 and cannot turn thinking off;
/// Flash and Flash-Lite up to 24576, 0 turns it off).
/// </summary>
internal static class GeminiThinking
{
    /// <summary>Sets the model's thinking control; <see langword="false"/> when the model has none this table knows.</summary>
    public static bool TryApply(string model, ReasoningEffort effort, GeminiThinkingConfig config)
    {
        var name = GeminiNames.BaseModel(model);
        var pro = name.Contains("-pro", StringComparison.OrdinalIgnoreCase);
        if (name.StartsWith("gemini-3", StringComparison.OrdinalIgnoreCase))
        {
            config.ThinkingLevel = effort switch
            {
                ReasoningEffort.None => pro ? "low" : "minimal",
                ReasoningEffort.Low => "low",
                ReasoningEffort.Medium => pro ? "high" : "medium",
                ReasoningEffort.High or ReasoningEffort.ExtraHigh => "high",
                _ => null,
            };
            return config.ThinkingLevel is not null;
        }

        if (name.StartsWith("gemini-2.5", StringComparison.OrdinalIgnoreCase))
        {
            config.ThinkingBudget = effort switch
            {
                ReasoningEffort.None => pro ? 128 : 0,
                ReasoningEffort.Low => 1024,
                ReasoningEffort.Medium => 8192,
                ReasoningEffort.High => 24576,
                ReasoningEffort.ExtraHigh => pro ? 32768 : 24576,
                _ => null,
            };
            return config.ThinkingBudget is not null;
        }

        return false;
    }
}
