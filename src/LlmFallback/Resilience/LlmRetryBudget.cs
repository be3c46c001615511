namespace LlmFallback;

/// <summary>
/// The process-wide retry budget: retries may be at most a share of requests over a sliding window. Share one
/// instance between every fallback stage of a process (the DI registration does).
/// </summary>
public sealed class LlmRetryBudget
{
    private const int Buckets = 10;
    private readonly LlmClock _clock;
    private readonly SlidingWindowCounter _counter;
    private readonly double _ratio;
    private readonly int _floor;

    /// <summary>Initializes a new instance of the <see cref="LlmRetryBudget"/> class.</summary>
    /// <param name="options">The budget; <see langword="null"/> for the defaults.</param>
    /// <param name="timeProvider">The clock; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public LlmRetryBudget(LlmRetryBudgetOptions? options = null, TimeProvider? timeProvider = null)
    {
        options ??= new();
        var errors = new List<string>();
        LlmOptionsValidation.ValidateRetryBudget(options, "RetryBudget", errors);
        LlmOptionsValidation.ThrowIfAny(errors, nameof(options));
        TimeProvider = timeProvider ?? TimeProvider.System;
        _clock = LlmClock.For(TimeProvider);
        _counter = new SlidingWindowCounter(options.Window, Buckets, _clock.Frequency);
        _ratio = options.RetryRatio;
        _floor = (int)Math.Ceiling(options.MinRetriesPerSecond * options.Window.TotalSeconds);
    }

    /// <summary>Gets how many requests and retries the current window holds.</summary>
    /// <returns>The counts.</returns>
    public (int Requests, int Retries) GetCounts()
    {
        var (requests, retries) = _counter.Sum(_clock.Now);
        return (requests, retries);
    }

    internal TimeProvider TimeProvider { get; }

    internal void RecordRequest(long timestamp) => _counter.Add(timestamp, 1, 0);

    internal bool TryAcquireRetry()
    {
        var now = _clock.Now;
        var (requests, retries) = _counter.Sum(now);
        if (retries >= _floor + (int)(requests * _ratio))
        {
            return false;
        }

        _counter.Add(now, 0, 1);
        return true;
    }
}
