namespace LlmFallback;

/// <summary>
/// Keeps what calls cost, by user, tenant, API key, route, model and provider, for reports and budgets. The
/// cost-metering stage records every metered call and every cache hit. The default is <see cref="InMemoryCostLedger"/>.
/// </summary>
/// <remarks><see cref="Record"/> is called on the request path: implementations must be thread-safe and must not block.</remarks>
public interface ICostLedger
{
    /// <summary>The key of <see cref="LlmCostDimension.All"/>.</summary>
    const string AllKey = "*";

    /// <summary>Records one call.</summary>
    /// <param name="entry">The call.</param>
    void Record(in LlmCostEntry entry);

    /// <summary>Gets the totals of one key over a period.</summary>
    /// <param name="dimension">What the key is: a user, a tenant, a model...</param>
    /// <param name="key">The user id, tenant id, model name...; <see cref="AllKey"/> for <see cref="LlmCostDimension.All"/>.</param>
    /// <param name="since">The start of the period (inclusive).</param>
    /// <param name="until">The end of the period (exclusive).</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The totals; zero when nothing was recorded.</returns>
    ValueTask<LlmCostTotals> GetTotalsAsync(LlmCostDimension dimension, string key, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken = default);

    /// <summary>Gets the keys that have records of a dimension (for example every tenant that made calls).</summary>
    /// <param name="dimension">The dimension.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The keys, in no particular order.</returns>
    ValueTask<IReadOnlyList<string>> GetKeysAsync(LlmCostDimension dimension, CancellationToken cancellationToken = default);
}
