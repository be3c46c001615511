namespace LlmFallback;

/// <summary>
/// Names of provider families: the APIs whose opaque data (reasoning signatures, encrypted reasoning, tool-call ids)
/// only they understand. Adapters record their family on the content they produce (<see cref="LlmContentOrigin"/>),
/// and <see cref="LlmPortability.Prepare"/> keeps such data only for the family that made it.
/// </summary>
public static class LlmProviderFamily
{
    /// <summary>OpenAI Chat Completions: OpenAI, Azure OpenAI and OpenAI-compatible servers.</summary>
    public const string OpenAI = "openai";

    /// <summary>The Anthropic Messages API.</summary>
    public const string Anthropic = "anthropic";

    /// <summary>The Google Gemini API.</summary>
    public const string Gemini = "gemini";
}
