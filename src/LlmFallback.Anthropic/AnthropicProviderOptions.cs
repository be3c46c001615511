using Microsoft.Extensions.AI;

namespace LlmFallback.Anthropic;

/// <summary>
/// Settings only the Anthropic adapter has, bound from the same section as the provider's
/// <see cref="LlmProviderOptions"/> (<c>Llm:Providers:&lt;name&gt;</c>) and configurable in code.
/// </summary>
public sealed class AnthropicProviderOptions
{
    /// <summary>The <c>anthropic-version</c> the adapter sends unless configured otherwise.</summary>
    public const string DefaultApiVersion = "2023-06-01";

    /// <summary>The <c>max_tokens</c> the adapter sends unless configured otherwise.</summary>
    public const int DefaultMaxTokens = 4096;

    /// <summary>The environment variable the API key is read from when <see cref="LlmProviderOptions.ApiKey"/> is not set.</summary>
    public const string ApiKeyEnvironmentVariable = "ANTHROPIC_API_KEY";

    /// <summary>Gets or sets the Messages API version, sent as the <c>anthropic-version</c> header.</summary>
    /// <value>The default is <see cref="DefaultApiVersion"/> (<c>2023-06-01</c>).</value>
    public string ApiVersion { get; set; } = DefaultApiVersion;

    /// <summary>Gets or sets beta features to enable, sent together as the <c>anthropic-beta</c> header.</summary>
    /// <value>The default is empty (no beta header).</value>
    public IList<string> Betas { get; set; } = [];

    /// <summary>
    /// Gets or sets the <c>max_tokens</c> sent when a request does not set <see cref="ChatOptions.MaxOutputTokens"/>.
    /// The Messages API requires the field; the value is capped at the model's
    /// <see cref="LlmProviderCapabilities.MaxOutputTokens"/> when that is known.
    /// </summary>
    /// <value>The default is <see cref="DefaultMaxTokens"/> (4096).</value>
    public int MaxTokens { get; set; } = DefaultMaxTokens;

    /// <summary>Gets or sets how <see cref="ChatOptions.Reasoning"/> is sent to the API: adaptive thinking (current models) or extended thinking with a token budget (older models).</summary>
    /// <value>The default is <see cref="AnthropicThinkingMode.Adaptive"/>.</value>
    public AnthropicThinkingMode ThinkingMode { get; set; } = AnthropicThinkingMode.Adaptive;

    /// <summary>
    /// Gets or sets a value indicating whether capabilities the configuration leaves unset (context window, maximum
    /// output, vision, JSON schema, prefill continuation) are filled in from the adapter's table of Claude models.
    /// </summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool ApplyModelDefaults { get; set; } = true;
}
