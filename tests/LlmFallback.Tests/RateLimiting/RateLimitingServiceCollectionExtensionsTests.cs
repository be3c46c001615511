using LlmFallback.Tests.Metering;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static LlmFallback.Tests.Metering.MeteringTestKit;

namespace LlmFallback.Tests.RateLimiting;

public sealed class RateLimitingServiceCollectionExtensionsTests
{
    [Fact]
    public void AddRateLimiting_Configuration_BindsLimitsAndOverrides()
    {
        var config = new TestConfiguration(
            ("Llm:RateLimiting:PerUser:RequestsPerMinute", "60"),
            ("Llm:RateLimiting:PerTenant:TokensPerMinute", "100000"),
            ("Llm:RateLimiting:PerTenant:Overrides:acme:TokensPerMinute", "1000000"));
        using var sp = new ServiceCollection().AddRateLimiting(config.Llm).BuildServiceProvider();

        var options = sp.GetRequiredService<IOptions<RateLimitingOptions>>().Value;

        Assert.Equal(60, options.PerUser.RequestsPerMinute);
        Assert.Equal(100000, options.PerTenant.TokensPerMinute);
        Assert.Equal(1000000, options.PerTenant.Overrides["acme"].TokensPerMinute);
        Assert.IsType<InMemoryRateLimitStore>(sp.GetRequiredService<ILlmRateLimitStore>());
        Assert.Same(sp.GetRequiredService<ILlmRateLimitStore>(), sp.GetRequiredService<ILlmRateLimitStore>());
    }

    [Fact]
    public void AddRateLimiting_InvalidConfiguration_FailsNamingTheKey()
    {
        var config = new TestConfiguration(("Llm:RateLimiting:PerApiKey:RequestsPerMinute", "0"));
        using var sp = new ServiceCollection().AddRateLimiting(config.Llm).BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptions<RateLimitingOptions>>().Value);

        Assert.Equal("Llm:RateLimiting:PerApiKey:RequestsPerMinute must be positive (was 0).", ex.Message);
    }

    [Fact]
    public async Task UseRateLimiting_FromServices_UsesTheRegisteredStoreAndAuditSink()
    {
        var audit = new RecordingAuditSink();
        var services = new ServiceCollection().AddRateLimiting(o => o.PerUser.RequestsPerMinute = 1).AddSingleton<IAuditSink>(audit);
        services.AddChatClient(Answering("Hi", "gpt-4o", null)).UseRateLimiting();
        using var sp = services.BuildServiceProvider();
        var client = sp.GetRequiredService<IChatClient>();

        await client.GetResponseAsync(Prompt(), new ChatOptions().WithUser("u"), Ct);
        await Assert.ThrowsAsync<RateLimitedException>(() => client.GetResponseAsync(Prompt(), new ChatOptions().WithUser("u"), Ct));

        Assert.Single(audit.Events);
    }

    [Fact]
    public void Extensions_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => RateLimitingServiceCollectionExtensions.AddRateLimiting(null!));
        Assert.Throws<ArgumentNullException>(() => new ServiceCollection().AddRateLimiting((Microsoft.Extensions.Configuration.IConfiguration)null!));
        Assert.Throws<ArgumentNullException>(() => RateLimitingChatClientBuilderExtensions.UseRateLimiting(null!));
    }
}
