namespace LlmFallback.Anthropic.Tests;

/// <summary>A test class with one Anthropic loopback server per test.</summary>
public abstract class AnthropicServerTest : IAsyncLifetime
{
    protected AnthropicLoopbackServer Server { get; private set; } = null!;

    protected static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => Server = await AnthropicTestServices.StartServerAsync();

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
