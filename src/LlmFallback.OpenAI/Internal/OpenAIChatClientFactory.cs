using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenAI;
using OpenAIChat = OpenAI.Chat;

namespace LlmFallback.OpenAI;

/// <summary>Makes a provider's <see cref="IChatClient"/> from its options: the OpenAI SDK over the provider's named HttpClient.</summary>
internal static class OpenAIChatClientFactory
{
    public static IChatClient Create(IServiceProvider services, string name, LlmProviderOptions options)
    {
        var adapter = services.GetRequiredService<IOptionsMonitor<OpenAIProviderOptions>>().Get(name);
        var settings = OpenAIProviderSettings.Resolve(options, adapter)
            ?? throw new InvalidOperationException($"Provider '{name}' has type '{options.Type}', which the OpenAI adapter does not serve.");

        // The provider's named client: no client timeout (the attempt policy owns timeouts), the replica pool, and
        // whatever handlers the application added to it.
        var httpClient = services.GetRequiredService<IHttpClientFactory>().CreateClient(LlmHttpClientServiceCollectionExtensions.GetLlmHttpClientName(name));
        var clientOptions = new OpenAIClientOptions
        {
            Transport = new HttpClientPipelineTransport(httpClient),

            // Exactly one retry layer: the provider's attempt policy.
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = adapter.NetworkTimeout,

            // Messages and provider error text stay out of logs; LlmFallback logs classified facts only.
            ClientLoggingOptions = new ClientLoggingOptions { EnableLogging = false, EnableMessageLogging = false, EnableMessageContentLogging = false },
        };

        if (settings.Endpoint is not null)
        {
            clientOptions.Endpoint = settings.Endpoint;
        }

        if (ReferenceEquals(settings.Type, OpenAIProviderTypes.OpenAI))
        {
            clientOptions.OrganizationId = adapter.Organization;
            clientOptions.ProjectId = adapter.Project;
        }

        clientOptions.AddPolicy(RequestSentPolicy.Instance, PipelinePosition.PerCall);
        clientOptions.AddPolicy(new StreamContentTypePolicy(name), PipelinePosition.PerCall);
        var apiVersion = settings.IsAzure ? adapter.ApiVersion : null;
        if (adapter.Headers is { Count: > 0 } || apiVersion is not null)
        {
            clientOptions.AddPolicy(new RequestDecorationPolicy(adapter.Headers ?? new Dictionary<string, string>(), apiVersion is null ? null : "api-version", apiVersion), PipelinePosition.PerCall);
        }

        var key = settings.GetApiKey(options);
        AuthenticationPolicy authentication = key is null
            ? new NoAuthenticationPolicy()
            : settings.IsAzure
                ? ApiKeyAuthenticationPolicy.CreateHeaderApiKeyPolicy(new ApiKeyCredential(key), "api-key")
                : ApiKeyAuthenticationPolicy.CreateBearerAuthorizationPolicy(new ApiKeyCredential(key));

        // Validation guarantees a model; the fallback is only for a provider built around validation.
        // The AuthenticationPolicy constructor is the SDK's way to send the key in another header (Azure's api-key) or
        // none at all (self-hosted servers); the SDK marks it for evaluation, and the tests pin its behaviour.
#pragma warning disable OPENAI001
        var chatClient = new OpenAIChat.ChatClient(options.Model ?? string.Empty, authentication, clientOptions);
#pragma warning restore OPENAI001
        var prefill = options.Capabilities?.PrefillContinuation == true ? settings.PrefillMode : OpenAIPrefillMode.None;
        var portability = services.GetRequiredService<IOptionsMonitor<LlmPortabilityOptions>>().Get(name);
        return new OpenAIAdapterChatClient(chatClient.AsIChatClient(), name, prefill, new OpenAIFailureClassifier(services.GetService<TimeProvider>()), Secrets(key, adapter.Headers), portability);
    }

    /// <summary>
    /// The key and every configured header value: a header may carry a gateway's credential (Azure API Management's
    /// subscription key, an AI gateway's token) in a shape the generic credential patterns do not know.
    /// </summary>
    private static string?[] Secrets(string? key, IDictionary<string, string>? headers)
    {
        if (headers is not { Count: > 0 })
        {
            return [key];
        }

        var secrets = new string?[headers.Count + 1];
        secrets[0] = key;
        var i = 1;
        foreach (var header in headers)
        {
            secrets[i++] = header.Value;
        }

        return secrets;
    }
}
