namespace LlmFallback.Redis.Tests;

public sealed class LlmRedisOptionsTests
{
    [Fact]
    public void Constructor_Defaults()
    {
        var options = new LlmRedisOptions();

        Assert.Null(options.Configuration);
        Assert.Equal("llmfallback:", options.KeyPrefix);
        Assert.Equal(TimeSpan.FromSeconds(1), options.OperationTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), options.RetryInterval);
        Assert.Equal(TimeSpan.FromSeconds(2), options.HealthSyncInterval);
    }

    [Fact]
    public void Validate_BadValues_NameEveryKeyButNeverTheValue()
    {
        var options = new LlmRedisOptions { KeyPrefix = null!, OperationTimeout = TimeSpan.Zero, RetryInterval = TimeSpan.FromHours(2), HealthSyncInterval = TimeSpan.FromMilliseconds(10) };

        var result = new LlmRedisOptionsValidator("Llm:Redis", requireConfiguration: true).Validate(null, options);

        Assert.Equal(
            [
                "Llm:Redis:Configuration is required: the Redis configuration string (host:port and options).",
                "Llm:Redis:KeyPrefix must not be null.",
                "Llm:Redis:OperationTimeout must be between 00:00:00.0100000 and 00:01:00 (was 00:00:00).",
                "Llm:Redis:RetryInterval must be between 00:00:00.1000000 and 01:00:00 (was 02:00:00).",
                "Llm:Redis:HealthSyncInterval must be between 00:00:00.1000000 and 00:10:00 (was 00:00:00.0100000).",
            ],
            result.Failures);
    }

    [Fact]
    public void Validate_UnparsableConfiguration_FailsAtStartNamingTheKeyButNeverTheValue()
    {
        // Unchecked, the connection's first use fails with StackExchange.Redis' own message (which quotes the value)
        // on every request that touches a budget or a rate limit, for the life of the process.
        var options = new LlmRedisOptions { Configuration = "localhost:6379,password=s3cret,connectTimeout=abc" };

        var ex = Assert.Throws<ArgumentException>(() => new LlmRedisConnection(options));

        Assert.StartsWith("Redis:Configuration is not a valid StackExchange.Redis configuration string", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("abc", ex.Message, StringComparison.Ordinal);
        Assert.Null(ex.InnerException);
    }
}
