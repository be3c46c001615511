namespace LlmFallback;

/// <summary>
/// A deployment's recent latencies: an exponentially weighted moving average (what latency-based routing compares)
/// and a bounded streaming quantile estimate (what adaptive hedging delays and first-token timeouts read). Lock-free.
/// </summary>
/// <remarks>
/// <para>
/// The quantile estimate is a log-scale histogram of four buckets per doubling (each bucket spans 19%), from 1 ms to
/// several hours, in two generations of <see cref="GenerationSize"/> samples: the current one and the one before, so the
/// estimate follows the last 512 to 1024 samples and forgets older behaviour. A quantile is reported as the upper bound
/// of its bucket: it over-estimates by at most 19%, the safe side for a timeout.
/// </para>
/// <para>
/// The average weighs each new sample by <see cref="Alpha"/> (the last ten samples carry about 90% of the weight); the
/// first sample sets it. Times are never divided by token counts: a time to first token is compared as it is.
/// </para>
/// </remarks>
internal sealed class LatencyTracker
{
    /// <summary>The weight of a new sample in the moving average.</summary>
    public const double Alpha = 0.2;

    /// <summary>How many samples a histogram generation holds before the previous one is forgotten.</summary>
    public const int GenerationSize = 512;

    private const int Buckets = 96;
    private const int StepsPerDoubling = 4;

    private long _averageBits = BitConverter.DoubleToInt64Bits(double.NaN);
    private long _count;
    private Generation _current = new();
    private Generation _previous = new();

    /// <summary>Gets the number of samples recorded.</summary>
    public long Count => Volatile.Read(ref _count);

    /// <summary>Gets the moving average in milliseconds, or <see cref="double.NaN"/> before the first sample.</summary>
    public double AverageMilliseconds => BitConverter.Int64BitsToDouble(Volatile.Read(ref _averageBits));

    public void Record(TimeSpan value)
    {
        var ms = value.TotalMilliseconds;
        if (!(ms >= 0))
        {
            return;
        }

        var seen = Volatile.Read(ref _averageBits);
        while (true)
        {
            var old = BitConverter.Int64BitsToDouble(seen);
            var next = double.IsNaN(old) ? ms : old + (Alpha * (ms - old));
            var actual = Interlocked.CompareExchange(ref _averageBits, BitConverter.DoubleToInt64Bits(next), seen);
            if (actual == seen)
            {
                break;
            }

            seen = actual;
        }

        Interlocked.Increment(ref _count);
        var generation = Volatile.Read(ref _current);
        Interlocked.Increment(ref generation.Counts[Bucket(ms)]);
        if (Interlocked.Increment(ref generation.Total) == GenerationSize)
        {
            // Only the thread that filled the generation rotates; a sample racing the rotation lands in the previous one.
            Volatile.Write(ref _previous, generation);
            Volatile.Write(ref _current, new Generation());
        }
    }

    /// <summary>The <paramref name="quantile"/> of the recent samples, or <see langword="null"/> with fewer than <paramref name="minSamples"/> of them.</summary>
    public TimeSpan? Quantile(double quantile, int minSamples)
    {
        var current = Volatile.Read(ref _current);
        var previous = Volatile.Read(ref _previous);
        long total = 0;
        for (var i = 0; i < Buckets; i++)
        {
            total += Volatile.Read(ref current.Counts[i]) + (ReferenceEquals(previous, current) ? 0 : Volatile.Read(ref previous.Counts[i]));
        }

        if (total == 0 || total < minSamples)
        {
            return null;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(quantile * total));
        long seen = 0;
        for (var i = 0; i < Buckets; i++)
        {
            seen += Volatile.Read(ref current.Counts[i]) + (ReferenceEquals(previous, current) ? 0 : Volatile.Read(ref previous.Counts[i]));
            if (seen >= rank)
            {
                return TimeSpan.FromMilliseconds(UpperBound(i));
            }
        }

        return TimeSpan.FromMilliseconds(UpperBound(Buckets - 1));
    }

    /// <summary>The bucket of a sample: 0 below 1 ms, then four per doubling.</summary>
    internal static int Bucket(double milliseconds) =>
        milliseconds < 1 ? 0 : Math.Min(Buckets - 1, 1 + (int)(Math.Log2(milliseconds) * StepsPerDoubling));

    /// <summary>The largest value a bucket holds, in milliseconds: 2^(i/4).</summary>
    internal static double UpperBound(int bucket) => Math.Pow(2, (double)bucket / StepsPerDoubling);

    private sealed class Generation
    {
        public readonly long[] Counts = new long[Buckets];
        public long Total;
    }
}
