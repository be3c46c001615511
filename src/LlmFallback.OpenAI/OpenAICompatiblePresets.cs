namespace LlmFallback.OpenAI;

/// <summary>
/// Names of the OpenAI-compatible presets, for <see cref="OpenAIProviderOptions.Preset"/> (<c>Preset</c> in configuration).
/// A preset supplies the server's usual base address, its API-key environment variable, and how it continues a
/// prefilled assistant message. Names are matched ignoring case, spaces, dots, dashes and underscores
/// (<c>vllm</c>, <c>llama.cpp</c> and <c>LM Studio</c> all work).
/// </summary>
public static class OpenAICompatiblePresets
{
    /// <summary>vLLM's OpenAI-compatible server: <c>http://localhost:8000/v1</c>, no key, continues prefills with <c>continue_final_message</c>.</summary>
    public const string VLlm = "vLLM";

    /// <summary>Ollama's OpenAI-compatible API: <c>http://localhost:11434/v1</c>, no key, continues a trailing assistant message.</summary>
    public const string Ollama = "Ollama";

    /// <summary>llama.cpp's <c>llama-server</c>: <c>http://localhost:8080/v1</c>, no key, continues a trailing assistant message.</summary>
    public const string LlamaCpp = "LlamaCpp";

    /// <summary>LM Studio's local server: <c>http://localhost:1234/v1</c>, no key.</summary>
    public const string LMStudio = "LMStudio";

    /// <summary>Hugging Face Text Generation Inference, Messages API: <c>http://localhost:8080/v1</c>, no key.</summary>
    public const string Tgi = "TGI";

    /// <summary>Groq: <c>https://api.groq.com/openai/v1</c>, key from <c>GROQ_API_KEY</c>.</summary>
    public const string Groq = "Groq";

    /// <summary>Mistral: <c>https://api.mistral.ai/v1</c>, key from <c>MISTRAL_API_KEY</c>, prefills with <c>"prefix": true</c>.</summary>
    public const string Mistral = "Mistral";

    /// <summary>DeepSeek: <c>https://api.deepseek.com/v1</c>, key from <c>DEEPSEEK_API_KEY</c>; prefix continuation needs the <c>https://api.deepseek.com/beta</c> endpoint.</summary>
    public const string DeepSeek = "DeepSeek";

    /// <summary>Together AI: <c>https://api.together.xyz/v1</c>, key from <c>TOGETHER_API_KEY</c>.</summary>
    public const string Together = "Together";

    /// <summary>OpenRouter: <c>https://openrouter.ai/api/v1</c>, key from <c>OPENROUTER_API_KEY</c>.</summary>
    public const string OpenRouter = "OpenRouter";
}
