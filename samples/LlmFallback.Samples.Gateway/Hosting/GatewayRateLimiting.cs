using System.Threading.RateLimiting;
using LlmFallback.Samples.Gateway.Auth;
using LlmFallback.Samples.Gateway.Endpoints;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace LlmFallback.Samples.Gateway.Hosting;

/// <summary>
/// Per-caller request limits with ASP.NET Core's rate limiter: one token bucket per API key (or JWT client, or
/// anonymous address) of <c>RequestsPerMinute</c> permits refilled over a minute. The buckets are
/// <see cref="LlmTokenBucketRateLimiter"/>s on the injected <see cref="TimeProvider"/>, so tests drive them with a fake clock.
/// </summary>
internal sealed class GatewayRateLimiting(IOptions<GatewayOptions> options, ApiKeyStore keys, TimeProvider time)
{
    public const string PolicyName = "PerCaller";

    private readonly int _default = options.Value.RequestsPerMinute;

    public static void AddGatewayRateLimiting(IServiceCollection services)
    {
        services.AddSingleton<GatewayRateLimiting>();
        services.AddRateLimiter(o =>
        {
            o.AddPolicy(PolicyName, context => context.RequestServices.GetRequiredService<GatewayRateLimiting>().Partition(context));
            o.OnRejected = static (rejected, _) =>
            {
                var context = rejected.HttpContext;
                var wait = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
                GatewayLog.RateLimited(context.RequestServices.GetRequiredService<ILogger<GatewayRateLimiting>>(), CallerIdentity.Partition(context));
                return new ValueTask(ErrorWriter.WriteAsync(context, new GatewayError(429, "requests", "rate_limit_exceeded",
                    $"Rate limit reached for this caller. Try again in {ErrorMapper.Seconds(wait)} s.", RetryAfter: wait)));
            };
        });
    }

    public RateLimitPartition<string> Partition(HttpContext context)
    {
        var partition = CallerIdentity.Partition(context);
        return RateLimitPartition.Get(partition, Create);
    }

    private LlmTokenBucketRateLimiter Create(string partition)
    {
        var limit = partition.StartsWith("key:", StringComparison.Ordinal) ? keys.RequestsPerMinute(partition[4..]) ?? _default : _default;
        return new LlmTokenBucketRateLimiter(limit, TimeSpan.FromMinutes(1), time);
    }
}
