using LlmFallback.Conformance;
using Microsoft.Extensions.DependencyInjection;

namespace LlmFallback.Anthropic.Tests;

/// <summary>
/// The shared unsent-request cases. (A schema whose <c>type</c> is a number, or whose <c>properties</c> is an array, the
/// Anthropic SDK sends as it is: the API's 400 answers it.)
/// </summary>
public sealed class AnthropicUnsentRequestTests : UnsentRequestConformanceTests<AnthropicLoopbackServer>
{
    protected override void AddProvider(LlmProvidersBuilder providers, string name, AnthropicLoopbackServer server, Action<LlmProviderOptions> configure) =>
        providers.AddAnthropicProvider(name, o =>
        {
            o.Endpoint = server.BaseAddress;
            o.Model = "claude-sonnet-4-5";
            o.ApiKey = ApiKey;
            configure(o);
        });
}
