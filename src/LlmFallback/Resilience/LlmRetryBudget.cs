namespace LlmFallback;

/// <summary>
/// The process-wide retry budget: over a sliding window, retries may be at most <see cref="LlmRetryBudgetOptions.RetryRatio"/>
/// of requests, or <see cref="LlmRetryBudgetOptions.MinRetriesPerSecond"/> per second when that is more (a quiet service
/// can still retry). The two are alternatives, not a sum, so above the floor the ratio is exactly what holds. Share one
/// instance between every fallback stage of a process (the DI registration does).
/// </summary>
public sealed class LlmRetryBudget
{
    private const int Buckets = 10;
    private readonly LlmClock _clock;
    private readonly SlidingWindowCounter _counter;
    private readonly double _ratio;
    private readonly int _floor;
    private readonly Lock _retryGate = new();

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

    /// <summary>
    /// Takes one retry if the window allows it. Checking and taking happen under one lock (retries are the failure
    /// path, not the hot path), so concurrent retries can never overshoot the budget.
    /// </summary>
    internal bool TryAcquireRetry()
    {
        lock (_retryGate)
        {
            var now = _clock.Now;
            var (requests, retries) = _counter.Sum(now);
            if (retries >= Math.Max(_floor, (int)(requests * _ratio)))
            {
                return false;
            }

            _counter.Add(now, 0, 1);
            return true;
        }
    }
}
