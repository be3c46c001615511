using LlmFallback.Conformance;
using LlmFallback.OpenAI.Tests.Wire;
using Microsoft.Extensions.DependencyInjection;

namespace LlmFallback.OpenAI.Tests.Conformance;

/// <summary>
/// The shared unsent-request cases, plus schemas Microsoft.Extensions.AI.OpenAI cannot read (a <c>type</c> that is not a
/// string, <c>properties</c> that are not an object). A .NET string with an unpaired surrogate the SDK writes as U+FFFD.
/// </summary>
public sealed class OpenAIUnsentRequestTests : UnsentRequestConformanceTests<OpenAILoopbackServer>
{
    [Theory]
    [InlineData("""{"type":5}""", false)]
    [InlineData("""{"type":"object","properties":[]}""", false)]
    [InlineData("""{"type":5}""", true)]
    [InlineData("""{"type":"object","properties":[]}""", true)]
    public Task Request_SchemaTheSdkCannotRead_ArgumentExceptionNothingSentBreakersClosed(string schema, bool stream) =>
        AssertRejectedUnsentAsync(schema, schema, stream);

    protected override void AddProvider(LlmProvidersBuilder providers, string name, OpenAILoopbackServer server, Action<LlmProviderOptions> configure) =>
        providers.AddOpenAIProvider(name, o =>
        {
            o.Model = "gpt-4o-mini";
            o.Endpoint = server.V1();
            o.ApiKey = ApiKey;
            configure(o);
        });
}
