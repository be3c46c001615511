namespace LlmFallback;

/// <summary>
/// Wakes requests waiting for a provider to become available again (a ramp permit freed, a breaker closed). Pulsing
/// costs a field read unless somebody is waiting.
/// </summary>
internal sealed class AvailabilitySignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _observed;

    /// <summary>Gets a task that completes at the next pulse. Take it before checking availability, so no pulse is missed.</summary>
    public Task NextPulse
    {
        get
        {
            Volatile.Write(ref _observed, 1);
            return Volatile.Read(ref _next).Task;
        }
    }

    public void Pulse()
    {
        if (Volatile.Read(ref _observed) == 0 || Interlocked.Exchange(ref _observed, 0) == 0)
        {
            return;
        }

        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }
}
