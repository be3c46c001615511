namespace LlmFallback.OpenAI;

/// <summary>
/// How an OpenAI-compatible server is asked to continue a trailing assistant message (a "prefill") instead of
/// starting a new turn. Used only when the provider declares <see cref="LlmProviderCapabilities.PrefillContinuation"/>
/// and the conversation ends with an assistant message, as in a mid-stream rescue.
/// </summary>
public enum OpenAIPrefillMode
{
    /// <summary>Nothing extra is sent; the server is not expected to continue a trailing assistant message.</summary>
    None = 0,

    /// <summary>
    /// The request carries <c>"continue_final_message": true</c> and <c>"add_generation_prompt": false</c>
    /// (vLLM, and llama.cpp server, which also continues a trailing assistant message by default).
    /// </summary>
    ContinueFinalMessage = 1,

    /// <summary>The server continues a trailing assistant message without extra fields (Ollama).</summary>
    TrailingAssistant = 2,

    /// <summary>The trailing assistant message carries <c>"prefix": true</c> (Mistral; DeepSeek on its beta endpoint).</summary>
    MessagePrefix = 3,
}
