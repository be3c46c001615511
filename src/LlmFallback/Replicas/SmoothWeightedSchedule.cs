namespace LlmFallback;

/// <summary>
/// Smooth weighted round-robin, computed once per change of the rotation instead of once per request: the result is
/// one period of the sequence (length = sum of the weights divided by their greatest common divisor), which requests
/// then walk with a single interlocked counter. Each step adds every member's weight to its running score, picks the
/// highest score (the first on ties) and takes the total weight off the winner, so heavy members are spread out
/// (weights 5,1,1 give a a b a c a a) rather than sent in bursts.
/// </summary>
internal static class SmoothWeightedSchedule
{
    public static int[] Build(ReadOnlySpan<int> weights)
    {
        if (weights.IsEmpty)
        {
            return [];
        }

        var divisor = 0;
        foreach (var w in weights)
        {
            divisor = Gcd(divisor, w);
        }

        long total = 0;
        foreach (var w in weights)
        {
            total += w / divisor;
        }

        var scores = new long[weights.Length];
        var sequence = new int[total];
        for (var step = 0; step < sequence.Length; step++)
        {
            var best = 0;
            for (var i = 0; i < weights.Length; i++)
            {
                scores[i] += weights[i] / divisor;
                if (scores[i] > scores[best])
                {
                    best = i;
                }
            }

            scores[best] -= total;
            sequence[step] = best;
        }

        return sequence;
    }

    private static int Gcd(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
