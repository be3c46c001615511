namespace LlmFallback.OpenAI;

/// <summary>What well-known models served through OpenAI-style APIs can do, from the providers' model pages.</summary>
internal static class OpenAIModelCatalog
{
    // Ordered so that a longer name is found before its prefix (gpt-4o-mini before gpt-4o).
    private static readonly ModelFacts[] Models =
    [
        new("gpt-5-nano", 400_000, 128_000, Tools: true, Vision: true, JsonSchema: true),
        new("gpt-5-mini", 400_000, 128_000, Tools: true, Vision: true, JsonSchema: true),
        new("gpt-5", 400_000, 128_000, Tools: true, Vision: true, JsonSchema: true),
        new("gpt-4.1-nano", 1_047_576, 32_768, Tools: true, Vision: true, JsonSchema: true),
        new("gpt-4.1-mini", 1_047_576, 32_768, Tools: true, Vision: true, JsonSchema: true),
        new("gpt-4.1", 1_047_576, 32_768, Tools: true, Vision: true, JsonSchema: true),
        new("gpt-4o-mini", 128_000, 16_384, Tools: true, Vision: true, JsonSchema: true),
        new("gpt-4o", 128_000, 16_384, Tools: true, Vision: true, JsonSchema: true),
        new("gpt-4-turbo", 128_000, 4_096, Tools: true, Vision: true, JsonSchema: false),
        new("gpt-4", 8_192, 8_192, Tools: true, Vision: false, JsonSchema: false),
        new("gpt-3.5-turbo", 16_385, 4_096, Tools: true, Vision: false, JsonSchema: false),
        new("o4-mini", 200_000, 100_000, Tools: true, Vision: true, JsonSchema: true),
        new("o3-mini", 200_000, 100_000, Tools: true, Vision: false, JsonSchema: true),
        new("o3", 200_000, 100_000, Tools: true, Vision: true, JsonSchema: true),
        new("o1-mini", 128_000, 65_536, Tools: false, Vision: false, JsonSchema: false),
        new("o1", 200_000, 100_000, Tools: true, Vision: true, JsonSchema: true),
        new("deepseek-chat", 128_000, 8_192, Tools: true, Vision: false, JsonSchema: false),
        new("deepseek-reasoner", 128_000, 64_000, Tools: false, Vision: false, JsonSchema: false),
    ];

    /// <summary>
    /// Finds a model by name: exactly, or with a dated or versioned suffix (<c>gpt-4o-2024-08-06</c>), or behind a
    /// router's vendor prefix (<c>openai/gpt-4o</c>).
    /// </summary>
    public static ModelFacts? Find(string? model)
    {
        if (string.IsNullOrWhiteSpace(model))
        {
            return null;
        }

        var name = model.AsSpan().Trim();
        var slash = name.LastIndexOf('/');
        if (slash >= 0)
        {
            name = name[(slash + 1)..];
        }

        foreach (var facts in Models)
        {
            if (!name.StartsWith(facts.Name, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var rest = name[facts.Name.Length..];
            if (rest.IsEmpty || (rest.Length >= 2 && rest[0] == '-' && char.IsAsciiDigit(rest[1])))
            {
                return facts;
            }
        }

        return null;
    }

    internal sealed record ModelFacts(string Name, int ContextWindow, int MaxOutputTokens, bool Tools, bool Vision, bool JsonSchema);
}
