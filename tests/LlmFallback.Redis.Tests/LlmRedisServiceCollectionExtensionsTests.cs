using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NSubstitute;
using StackExchange.Redis;

namespace LlmFallback.Redis.Tests;

public sealed class LlmRedisServiceCollectionExtensionsTests
{
    private static IConfigurationSection Llm(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build().GetSection("Llm");

    [Fact]
    public void AddLlmRedis_Configuration_ReplacesTheInMemoryStoresWhateverTheOrder()
    {
        var services = new ServiceCollection()
            .AddBudgets()
            .AddLlmRedis(Llm(("Llm:Redis:Configuration", "127.0.0.1:1,abortConnect=false"), ("Llm:Redis:KeyPrefix", "{app}:")))
            .AddRateLimiting();
        using var sp = services.BuildServiceProvider();

        Assert.IsType<RedisBudgetStore>(sp.GetRequiredService<ILlmBudgetStore>());
        Assert.IsType<RedisRateLimitStore>(sp.GetRequiredService<ILlmRateLimitStore>());
        Assert.Same(sp.GetRequiredService<LlmRedisConnection>(), sp.GetRequiredService<LlmRedisConnection>());
        Assert.Equal("{app}:", sp.GetRequiredService<LlmRedisConnection>().KeyPrefix);
    }

    [Fact]
    public void AddLlmRedis_SharedHealthStore_IsOneSingleton()
    {
        using var sp = new ServiceCollection().AddLlmRedis(Substitute.For<IConnectionMultiplexer>()).BuildServiceProvider();

        Assert.Same(sp.GetRequiredService<RedisSharedHealthStore>(), sp.GetRequiredService<RedisSharedHealthStore>());
    }

    [Fact]
    public void AddLlmRedis_NoConfiguration_FailsNamingTheKey()
    {
        using var sp = new ServiceCollection().AddLlmRedis(Llm(("Llm:Other", "x"))).BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptions<LlmRedisOptions>>().Value);

        Assert.Equal("Llm:Redis:Configuration is required: the Redis configuration string (host:port and options).", ex.Message);
    }

    [Fact]
    public void AddLlmRedis_ApplicationMultiplexer_NeedsNoConfiguration()
    {
        using var sp = new ServiceCollection().AddLlmRedis(Substitute.For<IConnectionMultiplexer>(), o => o.KeyPrefix = "x:").BuildServiceProvider();

        Assert.Equal("x:", sp.GetRequiredService<LlmRedisConnection>().KeyPrefix);
    }

    [Fact]
    public void AddLlmRedis_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => LlmRedisServiceCollectionExtensions.AddLlmRedis(null!, _ => { }));
        Assert.Throws<ArgumentNullException>(() => new ServiceCollection().AddLlmRedis((Action<LlmRedisOptions>)null!));
        Assert.Throws<ArgumentNullException>(() => new ServiceCollection().AddLlmRedis((IConfiguration)null!));
        Assert.Throws<ArgumentNullException>(() => new ServiceCollection().AddLlmRedis((IConnectionMultiplexer)null!));
    }
}
