namespace LlmFallback.Anthropic;

/// <summary>What one Claude model can do, from Anthropic's published model pages.</summary>
internal readonly record struct AnthropicModelInfo(int ContextWindow, int MaxOutputTokens, bool JsonSchema, bool PrefillContinuation);
