namespace LlmFallback.OpenAI;

/// <summary>The usual defaults of one OpenAI-compatible server.</summary>
/// <param name="Name">The canonical preset name.</param>
/// <param name="Endpoint">The server's usual base address (ending in <c>/v1</c>).</param>
/// <param name="ApiKeyEnvironmentVariable">The conventional key variable, or <see langword="null"/> for servers that run without a key.</param>
/// <param name="SelfHosted">Whether the server usually runs on the caller's own machines (no key needed).</param>
/// <param name="PrefillMode">How the server continues a trailing assistant message.</param>
/// <param name="PrefillByDefault">Whether <see cref="LlmProviderCapabilities.PrefillContinuation"/> defaults to on for this preset.</param>
internal sealed record OpenAIPreset(string Name, Uri Endpoint, string? ApiKeyEnvironmentVariable, bool SelfHosted, OpenAIPrefillMode PrefillMode, bool PrefillByDefault)
{
    private static readonly OpenAIPreset[] All =
    [
        new(OpenAICompatiblePresets.VLlm, new("http://localhost:8000/v1"), null, true, OpenAIPrefillMode.ContinueFinalMessage, true),
        new(OpenAICompatiblePresets.Ollama, new("http://localhost:11434/v1"), null, true, OpenAIPrefillMode.TrailingAssistant, true),
        new(OpenAICompatiblePresets.LlamaCpp, new("http://localhost:8080/v1"), null, true, OpenAIPrefillMode.ContinueFinalMessage, true),
        new(OpenAICompatiblePresets.LMStudio, new("http://localhost:1234/v1"), null, true, OpenAIPrefillMode.None, false),
        new(OpenAICompatiblePresets.Tgi, new("http://localhost:8080/v1"), null, true, OpenAIPrefillMode.None, false),
        new(OpenAICompatiblePresets.Groq, new("https://api.groq.com/openai/v1"), "GROQ_API_KEY", false, OpenAIPrefillMode.None, false),
        new(OpenAICompatiblePresets.Mistral, new("https://api.mistral.ai/v1"), "MISTRAL_API_KEY", false, OpenAIPrefillMode.MessagePrefix, false),
        new(OpenAICompatiblePresets.DeepSeek, new("https://api.deepseek.com/v1"), "DEEPSEEK_API_KEY", false, OpenAIPrefillMode.MessagePrefix, false),
        new(OpenAICompatiblePresets.Together, new("https://api.together.xyz/v1"), "TOGETHER_API_KEY", false, OpenAIPrefillMode.None, false),
        new(OpenAICompatiblePresets.OpenRouter, new("https://openrouter.ai/api/v1"), "OPENROUTER_API_KEY", false, OpenAIPrefillMode.None, false),
    ];

    /// <summary>Gets the preset names, for validation messages.</summary>
    public static string Names { get; } = string.Join(", ", Array.ConvertAll(All, p => p.Name));

    /// <summary>Finds a preset by name, ignoring case, spaces, dots, dashes and underscores.</summary>
    public static OpenAIPreset? Find(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        var key = Simplify(name);
        foreach (var preset in All)
        {
            if (string.Equals(Simplify(preset.Name), key, StringComparison.OrdinalIgnoreCase))
            {
                return preset;
            }
        }

        return null;
    }

    private static string Simplify(string name)
    {
        Span<char> buffer = stackalloc char[Math.Min(name.Length, 64)];
        var length = 0;
        foreach (var c in name)
        {
            if (c is ' ' or '.' or '-' or '_')
            {
                continue;
            }

            if (length == buffer.Length)
            {
                break;
            }

            buffer[length++] = c;
        }

        return new string(buffer[..length]);
    }
}
