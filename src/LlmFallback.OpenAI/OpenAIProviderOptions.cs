namespace LlmFallback.OpenAI;

/// <summary>
/// Settings of the OpenAI adapter for one provider, beside its <see cref="LlmProviderOptions"/>. Bound from the same
/// section, <c>Llm:Providers:&lt;name&gt;</c>, so one provider is configured in one place; settable in code through
/// <c>AddOpenAIProvider</c>, <c>AddAzureOpenAIProvider</c> and <c>AddOpenAICompatibleProvider</c>.
/// </summary>
public sealed class OpenAIProviderOptions
{
    /// <summary>Gets or sets the OpenAI organization sent as <c>OpenAI-Organization</c> (type <c>OpenAI</c> only).</summary>
    /// <value>The default is <see langword="null"/> (the key's default organization).</value>
    public string? Organization { get; set; }

    /// <summary>Gets or sets the OpenAI project sent as <c>OpenAI-Project</c> (type <c>OpenAI</c> only).</summary>
    /// <value>The default is <see langword="null"/> (the key's default project).</value>
    public string? Project { get; set; }

    /// <summary>
    /// Gets or sets the server preset of an <c>OpenAICompatible</c> provider, such as <c>vLLM</c>, <c>Ollama</c>,
    /// <c>LlamaCpp</c>, <c>LMStudio</c>, <c>TGI</c>, <c>Groq</c>, <c>Mistral</c>, <c>DeepSeek</c>, <c>Together</c> or
    /// <c>OpenRouter</c> (see <see cref="OpenAICompatiblePresets"/>). It supplies the default base address, key variable
    /// and prefill mode; anything set explicitly wins.
    /// </summary>
    /// <value>The default is <see langword="null"/>: a custom server, whose <c>Endpoint</c> is then required.</value>
    public string? Preset { get; set; }

    /// <summary>
    /// Gets or sets the <c>api-version</c> query value of an <c>AzureOpenAI</c> provider. The v1 endpoint needs none;
    /// set <c>preview</c> to reach preview features.
    /// </summary>
    /// <value>The default is <see langword="null"/> (no <c>api-version</c> parameter).</value>
    public string? ApiVersion { get; set; }

    /// <summary>
    /// Gets or sets the environment variable read for the API key when <see cref="LlmProviderOptions.ApiKey"/> is not set.
    /// </summary>
    /// <value>
    /// The default is <see langword="null"/>: <c>OPENAI_API_KEY</c> for <c>OpenAI</c>, <c>AZURE_OPENAI_API_KEY</c> for
    /// <c>AzureOpenAI</c>, the preset's variable (for example <c>GROQ_API_KEY</c>) for hosted compatible servers, and
    /// none for self-hosted ones.
    /// </value>
    public string? ApiKeyEnvironmentVariable { get; set; }

    /// <summary>Gets or sets how the server is asked to continue a trailing assistant message.</summary>
    /// <value>The default is <see langword="null"/>: the preset's mode, or <see cref="OpenAIPrefillMode.None"/>.</value>
    public OpenAIPrefillMode? PrefillMode { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether capabilities of well-known models (context window, maximum output,
    /// tools, vision, JSON schema) and the preset's prefill support are filled in where configuration and code left
    /// them unset.
    /// </summary>
    /// <value>
    /// The default is <see langword="true"/>. A capability set in configuration or code, <see langword="true"/> or
    /// <see langword="false"/>, always wins; turn this off to leave unset capabilities at the library's defaults.
    /// </value>
    public bool ApplyCapabilityDefaults { get; set; } = true;

    /// <summary>
    /// Gets or sets the SDK's network timeout: the longest wait for a response, and for each read of a streamed body.
    /// The provider's attempt policy owns call timeouts, so this is only a backstop.
    /// </summary>
    /// <value>The default is <see cref="Timeout.InfiniteTimeSpan"/>.</value>
    public TimeSpan NetworkTimeout { get; set; } = Timeout.InfiniteTimeSpan;

    /// <summary>
    /// Gets or sets extra headers sent with every request, for example OpenRouter's <c>HTTP-Referer</c> and
    /// <c>X-Title</c>. Values are never logged.
    /// </summary>
    /// <value>The default is empty.</value>
    public IDictionary<string, string> Headers { get; set; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
}
