using LlmFallback.Testing;
using Microsoft.Extensions.Time.Testing;

namespace LlmFallback.Tests.Fallback;

/// <summary>The fallback stage's public surface: argument checks, chain validation, services, disposal.</summary>
public sealed class FallbackChatClientTests
{
    private static CancellationToken Ct => FallbackFixture.Ct;

    [Fact]
    public void Constructor_NullProviders_ThrowsArgumentNullException() =>
        Assert.Throws<ArgumentNullException>("providers", () => new FallbackChatClient(null!));

    [Fact]
    public void Constructor_EmptyChain_ThrowsNamingTheKey()
    {
        var error = Assert.Throws<ArgumentException>("providers", () => new FallbackChatClient([]));

        Assert.StartsWith("Fallback:Chain must name at least one provider.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_ProviderRepeated_ThrowsNamingTheDuplicate()
    {
        var f = new FallbackFixture();
        var a = f.Provider("a", f.Always(Script.Answer("x")));

        var error = Assert.Throws<ArgumentException>("providers", () => new FallbackChatClient([a, a], timeProvider: f.Time));

        Assert.Contains("Fallback:Chain:1 repeats provider 'a'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_ProvidersOnAnotherClock_ThrowsNamingTheProvider()
    {
        var f = new FallbackFixture();
        var other = new LlmProvider("elsewhere", f.Always(Script.Answer("x")), timeProvider: new FakeTimeProvider());

        var error = Assert.Throws<ArgumentException>("providers", () => new FallbackChatClient([f.Provider("a", f.Always(Script.Answer("x"))), other], timeProvider: f.Time));

        Assert.Contains("Provider 'elsewhere' uses a different TimeProvider", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    public void Constructor_MaxAttemptsOutOfRange_ThrowsNamingTheKey(int maxAttempts)
    {
        var f = new FallbackFixture();

        var error = Assert.Throws<ArgumentException>(() => f.Client([f.Provider("a", f.Always(Script.Answer("x")))], FallbackFixture.Options(o => o.MaxAttemptsPerRequest = maxAttempts)));

        Assert.Contains("Fallback:MaxAttemptsPerRequest", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_ContextFallbackNotInChain_ThrowsNamingIt()
    {
        var f = new FallbackFixture();

        var error = Assert.Throws<ArgumentException>(() => f.Client([f.Provider("a", f.Always(Script.Answer("x")))], FallbackFixture.Options(o => o.ContextWindowFallbacks = ["big"])));

        Assert.Contains("Fallback:ContextWindowFallbacks:0 names 'big', which is not in the chain.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_NoClockGiven_UsesTheProvidersClock()
    {
        var f = new FallbackFixture();
        using var client = new FallbackChatClient([f.Provider("a", f.Always(Script.Answer("x")))]);

        Assert.Equal(["a"], client.Providers.Select(p => p.Name));
    }

    [Fact]
    public async Task GetResponseAsync_NullMessages_ThrowsArgumentNullException()
    {
        var f = new FallbackFixture();
        using var client = f.Client([f.Provider("a", f.Always(Script.Answer("x")))]);

        await Assert.ThrowsAsync<ArgumentNullException>("messages", () => client.GetResponseAsync((IEnumerable<ChatMessage>)null!, cancellationToken: Ct));
        Assert.Throws<ArgumentNullException>("messages", () => client.GetStreamingResponseAsync((IEnumerable<ChatMessage>)null!, cancellationToken: Ct));
    }

    [Fact]
    public void GetService_Itself_ReturnsTheStageAndOtherwiseAsksTheFirstProvider()
    {
        var f = new FallbackFixture();
        var first = new TestChatClient();
        using var client = f.Client([f.Provider("a", first), f.Provider("b", new TestChatClient())]);

        Assert.Same(client, client.GetService(typeof(FallbackChatClient)));
        Assert.Same(client, client.GetService(typeof(IChatClient)));
        Assert.Same(first, client.GetService(typeof(TestChatClient)));
        Assert.Throws<ArgumentNullException>("serviceType", () => client.GetService(null!));
    }

    [Fact]
    public void Dispose_SharedProviders_AreNotDisposed()
    {
        var f = new FallbackFixture();
        var inner = new TestChatClient();
        var client = f.Client([f.Provider("a", inner)]);

        client.Dispose();

        Assert.False(inner.Disposed);
    }
}
