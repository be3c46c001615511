using LlmFallback.Conformance;
using Microsoft.Extensions.DependencyInjection;

namespace LlmFallback.Anthropic.Tests;

/// <summary>The shared provider conformance suite, run against the Anthropic adapter and its Messages API loopback server.</summary>
public sealed class AnthropicConformanceTests : ProviderConformanceTests<AnthropicLoopbackServer>
{
    private readonly List<ServiceProvider> _services = [];

    protected override string Model => AnthropicLoopbackServer.Model;

    public override async ValueTask DisposeAsync()
    {
        foreach (var services in _services)
        {
            await services.DisposeAsync();
        }

        await base.DisposeAsync();
    }

    protected override LlmProvider CreateProvider(Uri baseAddress, TimeProvider timeProvider)
    {
        var services = AnthropicTestServices.Build(baseAddress, timeProvider, model: Model, services: s => s.AddSingleton(LoggerFactory));
        _services.Add(services);
        return services.GetRequiredKeyedService<LlmProvider>("claude");
    }

    protected override void AssertRequest(RecordedRequest request, ExpectedRequest expected) =>
        AnthropicRequestAssert.Matches(request, expected.Model, expected.Stream, expected.WithTools, expected.WithToolResult, expected.SystemPrompt, expected.UserText);
}
