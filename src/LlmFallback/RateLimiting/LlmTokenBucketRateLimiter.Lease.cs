using System.Diagnostics.CodeAnalysis;
using System.Threading.RateLimiting;

namespace LlmFallback;

public sealed partial class LlmTokenBucketRateLimiter
{
    /// <summary>A lease: acquired, or refused with the time until the permits would be there.</summary>
    private sealed class Lease(bool isAcquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public override bool IsAcquired => isAcquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, [NotNullWhen(true)] out object? metadata)
        {
            if (retryAfter is { } r && metadataName == MetadataName.RetryAfter.Name)
            {
                metadata = r;
                return true;
            }

            metadata = null;
            return false;
        }
    }
}
