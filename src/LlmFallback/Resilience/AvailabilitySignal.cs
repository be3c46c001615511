namespace LlmFallback;

/// <summary>
/// Wakes requests waiting for a provider to become available again (a ramp permit freed, a breaker closed). Pulses come
/// only from breaker transitions, calls during a slow start, freed probes and shared cool-downs, never from an ordinary
/// call.
/// </summary>
/// <remarks>
/// A waiter takes the current task, then says it is waiting, then checks availability; a pulse changes the state, then
/// clears the flag and completes the task. In that order every pulse that comes after a waiter's check completes the
/// task the waiter holds. Taking the task after setting the flag would lose a wake-up: a pulse between the two would
/// clear the flag and complete the previous task, the waiter would hold the fresh one with the flag clear, and if its
/// check then failed (another request took the freed slot), later pulses would skip it until its timer. Both sides use
/// interlocked operations, so neither's read can pass its own write (the flag against the state it guards).
/// </remarks>
internal sealed class AvailabilitySignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _observed;

    /// <summary>Gets a task that completes at the next pulse. Take it before checking availability, so no pulse is missed.</summary>
    public Task NextPulse
    {
        get
        {
            var next = Volatile.Read(ref _next).Task;
            Interlocked.Exchange(ref _observed, 1);
            return next;
        }
    }

    public void Pulse()
    {
        if (Interlocked.Exchange(ref _observed, 0) == 0)
        {
            return;
        }

        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }
}
