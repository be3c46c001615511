using Microsoft.Extensions.AI;

namespace LlmFallback.Testing.Internal;

/// <summary>
/// Picks one of several steps by weight. The pick for a call depends only on the seed and the call's number, so a
/// seed replays the same outcomes in the same call order, with no shared generator to lock.
/// </summary>
internal sealed class RandomStep : ScriptStep
{
    private readonly ulong _seed;
    private readonly double[] _cumulative;
    private readonly ScriptStep[] _steps;

    public RandomStep(int seed, ScriptStep[] steps, double[] weights)
    {
        _seed = unchecked((ulong)seed);
        _steps = steps;
        _cumulative = new double[weights.Length];
        var total = 0.0;
        foreach (var w in weights)
        {
            total += w;
        }

        var sum = 0.0;
        for (var i = 0; i < weights.Length; i++)
        {
            sum += weights[i];
            _cumulative[i] = sum / total;
        }
    }

    internal override Task<ChatResponse> RespondAsync(StepContext context, CancellationToken cancellationToken) =>
        Pick(context.Index).RespondAsync(context, cancellationToken);

    internal override IAsyncEnumerable<ChatResponseUpdate> StreamAsync(StepContext context, CancellationToken cancellationToken) =>
        Pick(context.Index).StreamAsync(context, cancellationToken);

    internal ScriptStep Pick(int index)
    {
        var u = Uniform(_seed, index);
        for (var i = 0; i < _cumulative.Length - 1; i++)
        {
            if (u < _cumulative[i])
            {
                return _steps[i];
            }
        }

        return _steps[^1];
    }

    /// <summary>A uniform value in [0, 1) from the seed and the call number (SplitMix64 finaliser).</summary>
    private static double Uniform(ulong seed, int index)
    {
        unchecked
        {
            var z = (seed * 0x9E3779B97F4A7C15UL) + ((ulong)(uint)index + 1) * 0xD1B54A32D192ED03UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            return (z >> 11) * (1.0 / (1UL << 53));
        }
    }
}
