using System.Globalization;
using Microsoft.Extensions.AI;

namespace LlmFallback.Gemini;

/// <summary>Maps sampling, output and thinking options onto <c>generationConfig</c>.</summary>
internal static class GeminiGenerationOptions
{
    /// <summary>The generation settings, or <see langword="null"/> when the request sets none; a seed outside int32 throws.</summary>
    public static GeminiGenerationConfig? Create(ChatOptions options, string model, ref GeminiUnmapped unmapped)
    {
        if (options.Seed is < int.MinValue or > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(
                nameof(options),
                options.Seed,
                string.Create(CultureInfo.InvariantCulture, $"ChatOptions.Seed must be between {int.MinValue} and {int.MaxValue}: Gemini's seed is a 32-bit integer."));
        }

        var config = new GeminiGenerationConfig
        {
            Temperature = options.Temperature,
            TopP = options.TopP,
            TopK = options.TopK,
            MaxOutputTokens = options.MaxOutputTokens,
            PresencePenalty = options.PresencePenalty,
            FrequencyPenalty = options.FrequencyPenalty,
            Seed = (int?)options.Seed,
        };

        var any = options.Temperature is not null || options.TopP is not null || options.TopK is not null || options.MaxOutputTokens is not null
            || options.PresencePenalty is not null || options.FrequencyPenalty is not null || options.Seed is not null;

        if (options.StopSequences is { Count: > 0 } stops)
        {
            config.StopSequences = [.. stops];
            any = true;
        }

        if (options.ResponseFormat is ChatResponseFormatJson json)
        {
            config.ResponseMimeType = "application/json";
            config.ResponseJsonSchema = json.Schema;
            any = true;
        }

        if (options.Reasoning is { } reasoning)
        {
            var thinking = new GeminiThinkingConfig { IncludeThoughts = reasoning.Output is ReasoningOutput.Summary or ReasoningOutput.Full ? true : null };
            if (reasoning.Effort is { } effort && !GeminiThinking.TryApply(model, effort, thinking))
            {
                unmapped |= GeminiUnmapped.ReasoningEffort;
            }

            if (thinking.IncludeThoughts is not null || thinking.ThinkingBudget is not null || thinking.ThinkingLevel is not null)
            {
                config.ThinkingConfig = thinking;
                any = true;
            }
        }

        return any ? config : null;
    }
}
