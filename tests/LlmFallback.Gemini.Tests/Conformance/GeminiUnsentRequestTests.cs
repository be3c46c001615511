using LlmFallback.Conformance;
using Microsoft.Extensions.DependencyInjection;

namespace LlmFallback.Gemini.Tests.Conformance;

/// <summary>
/// The shared unsent-request cases: the adapter writes its body with System.Text.Json, which cannot write a schema or
/// arguments that escape an unpaired surrogate. (A schema whose <c>type</c> is a number is sent as it is, as
/// <c>parametersJsonSchema</c>: the API's 400 answers it.)
/// </summary>
public sealed class GeminiUnsentRequestTests : UnsentRequestConformanceTests<GeminiLoopbackServer>
{
    protected override void AddProvider(LlmProvidersBuilder providers, string name, GeminiLoopbackServer server, Action<LlmProviderOptions> configure) =>
        providers.AddGeminiProvider(name, o =>
        {
            o.Model = "gemini-2.5-flash";
            o.ApiKey = ApiKey;
            o.Endpoint = server.BaseAddress;
            configure(o);
        });
}
