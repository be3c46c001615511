namespace LlmFallback;

/// <summary>
/// The strategies that order the available deployments of a route's tier, in place, without allocating. Indexes point
/// into the route's deployments. Ties keep the configured order (stable), except where a strategy says otherwise.
/// </summary>
internal static class RouteStrategies
{
    /// <summary>A random order, each position drawn in proportion to the weights of the deployments not placed yet.</summary>
    public static void WeightedRandom(CompiledRoute route, Span<int> tier, Random random)
    {
        for (var k = 0; k < tier.Length - 1; k++)
        {
            var total = 0;
            for (var i = k; i < tier.Length; i++)
            {
                total += route.Weights[tier[i]];
            }

            var draw = random.Next(total);
            var pick = k;
            for (var i = k; i < tier.Length; i++)
            {
                draw -= route.Weights[tier[i]];
                if (draw < 0)
                {
                    pick = i;
                    break;
                }
            }

            (tier[k], tier[pick]) = (tier[pick], tier[k]);
        }
    }

    /// <summary>Fewest calls in flight first; equal loads in a random order, so ties spread evenly.</summary>
    public static void LeastInFlight(CompiledRoute route, Span<int> tier, Random random)
    {
        random.Shuffle(tier);
        Span<double> keys = stackalloc double[tier.Length];
        for (var i = 0; i < tier.Length; i++)
        {
            keys[i] = route.Deployments[tier[i]].InFlight;
        }

        SortBy(tier, keys);
    }

    /// <summary>
    /// Power of two choices on the moving-average latency (time to first token for streams): two deployments drawn at
    /// random, the faster first; then the others, fastest first. A deployment without samples counts as instant, so it
    /// is tried and measured.
    /// </summary>
    public static void Latency(CompiledRoute route, Span<int> tier, bool streaming, Random random)
    {
        Span<double> keys = stackalloc double[tier.Length];
        for (var i = 0; i < tier.Length; i++)
        {
            var p = route.Deployments[tier[i]];
            var average = (streaming ? p.FirstToken : p.Latency)?.AverageMilliseconds ?? double.NaN;
            keys[i] = double.IsNaN(average) ? 0 : average;
        }

        var a = random.Next(tier.Length);
        var b = random.Next(tier.Length - 1);
        b += b >= a ? 1 : 0;
        var first = keys[b] < keys[a] ? b : a;
        (tier[0], tier[first]) = (tier[first], tier[0]);
        (keys[0], keys[first]) = (keys[first], keys[0]);
        SortBy(tier[1..], keys[1..]);
    }

    /// <summary>Cheapest estimated cost of this request first (input and output prices); deployments without prices last.</summary>
    public static void Cost(CompiledRoute route, Span<int> tier, int promptTokens, int outputTokens)
    {
        Span<double> keys = stackalloc double[tier.Length];
        for (var i = 0; i < tier.Length; i++)
        {
            var pricing = route.Deployments[tier[i]].Pricing;
            keys[i] = pricing.InputPerMillionTokens is { } input && pricing.OutputPerMillionTokens is { } output
                ? ((double)input * promptTokens) + ((double)output * outputTokens)
                : double.PositiveInfinity;
        }

        SortBy(tier, keys);
    }

    /// <summary>
    /// Deployments that stay under their per-minute limits with this request first, least used first; those that would
    /// go over after them. Usage is each provider's own account (<see cref="ProviderLimiter"/>), which the call itself
    /// is counted in when its provider grants it a permit; a deployment without limits is never full.
    /// </summary>
    public static void Usage(CompiledRoute route, Span<int> tier, long now, int tokens)
    {
        if (tier.Length == 0)
        {
            return;
        }

        Span<double> keys = stackalloc double[tier.Length];
        for (var i = 0; i < tier.Length; i++)
        {
            var share = route.Deployments[tier[i]].Limiter?.Utilization(now, tokens) ?? 0;
            keys[i] = share > 1 ? 1_000_000 + share : share;
        }

        SortBy(tier, keys);
    }

    /// <summary>Rotates left by <paramref name="by"/>: the deployment at <paramref name="by"/> comes first.</summary>
    public static void Rotate(Span<int> tier, int by)
    {
        if (by == 0)
        {
            return;
        }

        tier[..by].Reverse();
        tier[by..].Reverse();
        tier.Reverse();
    }

    /// <summary>A stable insertion sort of <paramref name="tier"/> by <paramref name="keys"/>, ascending (plans are short).</summary>
    public static void SortBy(Span<int> tier, Span<double> keys)
    {
        for (var i = 1; i < tier.Length; i++)
        {
            var key = keys[i];
            var value = tier[i];
            var j = i - 1;
            while (j >= 0 && keys[j] > key)
            {
                keys[j + 1] = keys[j];
                tier[j + 1] = tier[j];
                j--;
            }

            keys[j + 1] = key;
            tier[j + 1] = value;
        }
    }
}
