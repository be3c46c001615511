namespace LlmFallback.Tests.Resilience;

public class AvailabilitySignalTests
{
    [Fact]
    public void Pulse_NobodyWaiting_LeavesTheNextTaskPending()
    {
        var signal = new AvailabilitySignal();

        signal.Pulse();
        var next = signal.NextPulse;

        Assert.False(next.IsCompleted);
    }

    [Fact]
    public void Pulse_AfterAWaiterTookItsTask_CompletesIt()
    {
        var signal = new AvailabilitySignal();
        var waiting = signal.NextPulse;

        signal.Pulse();

        Assert.True(waiting.IsCompleted);
    }

    [Fact]
    public void Pulse_WaiterThatTookTheTaskAfterAnEarlierPulse_IsWokenByTheNextOne()
    {
        // The waiter woken by the first pulse found nothing (another request took the slot) and waits again: the next
        // pulse must complete the task it holds now.
        var signal = new AvailabilitySignal();
        var first = signal.NextPulse;
        signal.Pulse();
        var second = signal.NextPulse;

        Assert.True(first.IsCompleted);
        Assert.False(second.IsCompleted);
        signal.Pulse();
        Assert.True(second.IsCompleted);
    }

    [Fact]
    public void Pulse_TwoWaitersOnOneTask_OnePulseWakesBoth()
    {
        var signal = new AvailabilitySignal();
        var a = signal.NextPulse;
        var b = signal.NextPulse;

        signal.Pulse();

        Assert.Same(a, b);
        Assert.True(b.IsCompleted);
    }
}
