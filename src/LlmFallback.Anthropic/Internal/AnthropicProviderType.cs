using Anthropic;
using Anthropic.Core;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LlmFallback.Anthropic;

/// <summary>Makes the client of an Anthropic provider from its options.</summary>
internal static class AnthropicProviderType
{
    public const string Name = "Anthropic";

    public static bool Is(string? type) => string.Equals(type, Name, StringComparison.OrdinalIgnoreCase);

    public static IChatClient CreateClient(IServiceProvider services, string name, LlmProviderOptions options)
    {
        var adapter = services.GetRequiredService<IOptionsMonitor<AnthropicProviderOptions>>().Get(name);
        var apiKey = string.IsNullOrWhiteSpace(options.ApiKey)
            ? Environment.GetEnvironmentVariable(AnthropicProviderOptions.ApiKeyEnvironmentVariable)
            : options.ApiKey;
        if (string.IsNullOrWhiteSpace(apiKey))
        {
            throw new InvalidOperationException($"Anthropic provider '{name}' has no API key: set its ApiKey or the {AnthropicProviderOptions.ApiKeyEnvironmentVariable} environment variable.");
        }

        if (string.IsNullOrWhiteSpace(options.Model))
        {
            throw new InvalidOperationException($"Anthropic provider '{name}' has no Model: name a Claude model, such as claude-sonnet-4-5.");
        }

        // The core configures every LlmFallback.<provider> client: no client timeout (the attempt policy owns
        // timeouts, so long streams are not cut at 100 s), no retry handler, replicas when configured.
        var http = services.GetRequiredService<IHttpClientFactory>().CreateClient(LlmHttpClientServiceCollectionExtensions.GetLlmHttpClientName(name));
        apiKey = apiKey.Trim();
        var handler = new AnthropicWireHandler(name, apiKey, adapter.ApiVersion, adapter.Betas, services.GetService<TimeProvider>() ?? TimeProvider.System);
        var clientOptions = new ClientOptions
        {
            HttpClient = http,
            Handlers = [handler],
            MaxRetries = 0,
            Timeout = Timeout.InfiniteTimeSpan,

            // No SDK credential: it would send the key as a bearer token and read other environment variables;
            // AnthropicWireHandler sends it as x-api-key.
            ApiKey = null,
            AuthToken = null,
        };
        if (options.Endpoint is { } endpoint)
        {
            clientOptions.BaseUrl = BaseUrl(endpoint);
        }

        var logger = (ILogger?)services.GetService<ILoggerFactory>()?.CreateLogger("LlmFallback.Anthropic") ?? NullLogger.Instance;
        var caps = options.Capabilities ?? new LlmProviderCapabilityOptions();
        if (caps.ContextWindow is null && adapter.ApplyModelDefaults && !AnthropicModelCatalog.TryGet(options.Model, out _))
        {
            Log.ModelUnknown(logger, name, options.Model);
        }

        Log.ProviderCreated(logger, name, options.Model, caps.ContextWindow, caps.MaxOutputTokens, caps.PrefillContinuation == true);
        var client = new AnthropicClient(clientOptions);
        var maxTokens = caps.MaxOutputTokens is { } limit ? Math.Min(adapter.MaxTokens, limit) : adapter.MaxTokens;
        var portability = services.GetRequiredService<IOptionsMonitor<LlmPortabilityOptions>>().Get(name);
        return new AnthropicProviderChatClient(client.AsIChatClient(options.Model, maxTokens, adapter.ThinkingMode), client, name, apiKey, portability, logger);
    }

    /// <summary>The SDK appends <c>/v1/messages</c>; an endpoint given with the version segment is accepted too.</summary>
    internal static string BaseUrl(Uri endpoint)
    {
        var text = endpoint.AbsoluteUri.TrimEnd('/');
        return text.EndsWith("/v1", StringComparison.OrdinalIgnoreCase) ? text[..^3] : text;
    }
}
