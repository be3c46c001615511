// The timers link to a caller token; these tests pass "no caller token" on purpose.
#pragma warning disable xUnit1051
using Microsoft.Extensions.Time.Testing;

namespace LlmFallback.Tests.Internal;

public class AttemptTimerTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Move_LaterDeadline_TimerReArmsItselfAndFiresAtTheNewDeadline()
    {
        var pool = new AttemptTimerPool(_time);
        var timer = pool.Rent(TimeSpan.FromSeconds(10), AttemptDeadline.Idle, default);

        _time.Advance(TimeSpan.FromSeconds(5));
        timer.Move(TimeSpan.FromSeconds(10), AttemptDeadline.Idle); // deadline now t+15 s; the timer still says t+10 s
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.False(timer.Token.IsCancellationRequested);

        _time.Advance(TimeSpan.FromSeconds(5) - TimeSpan.FromTicks(1));
        Assert.False(timer.Token.IsCancellationRequested);
        _time.Advance(TimeSpan.FromTicks(1));

        Assert.True(timer.Token.IsCancellationRequested);
        Assert.True(timer.TimedOut);
        Assert.Equal(AttemptDeadline.Idle, timer.Deadline);
    }

    [Fact]
    public void Move_EarlierDeadline_FiresAtTheEarlierOne()
    {
        var pool = new AttemptTimerPool(_time);
        var timer = pool.Rent(TimeSpan.FromSeconds(30), AttemptDeadline.Idle, default);

        timer.Move(TimeSpan.FromSeconds(2), AttemptDeadline.Completion);
        _time.Advance(TimeSpan.FromSeconds(2));

        Assert.True(timer.TimedOut);
        Assert.Equal(AttemptDeadline.Completion, timer.Deadline);
    }

    [Fact]
    public void Suspend_DeadlinePassesWhileSuspended_DoesNotCancelUntilMovedAgain()
    {
        var pool = new AttemptTimerPool(_time);
        var timer = pool.Rent(TimeSpan.FromSeconds(1), AttemptDeadline.Idle, default);

        timer.Suspend();
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.False(timer.Token.IsCancellationRequested);

        timer.Move(TimeSpan.FromSeconds(1), AttemptDeadline.Idle);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(timer.TimedOut);
    }

    [Fact]
    public void OnTimer_LateCallbackFromThePreviousUse_NeitherCancelsNorDelaysTheNextUse()
    {
        var pool = new AttemptTimerPool(_time);
        var first = pool.Rent(TimeSpan.FromSeconds(1), AttemptDeadline.Attempt, default);
        first.Release();
        var second = pool.Rent(TimeSpan.FromSeconds(60), AttemptDeadline.Attempt, default);
        Assert.Same(first, second); // pooled

        _time.Advance(TimeSpan.FromSeconds(2));
        second.OnTimer(); // what a callback of the first use, delayed on a busy thread pool, would do now

        Assert.False(second.Token.IsCancellationRequested);
        _time.Advance(TimeSpan.FromSeconds(58));
        Assert.True(second.TimedOut);
    }

    [Fact]
    public void Release_UnstartedDeadline_ReturnsTheTimerWithoutArmingIt()
    {
        var pool = new AttemptTimerPool(_time);
        var timer = pool.RentUnstarted(AttemptDeadline.Attempt, default);

        timer.Release();
        _time.Advance(TimeSpan.FromDays(1));

        Assert.Same(timer, pool.RentUnstarted(AttemptDeadline.Attempt, default));
        Assert.False(timer.Token.IsCancellationRequested);
    }

    [Fact]
    public void Release_AfterCallerCancelled_DropsTheTimer()
    {
        var pool = new AttemptTimerPool(_time);
        using var caller = new CancellationTokenSource();
        var timer = pool.Rent(TimeSpan.FromSeconds(10), AttemptDeadline.Attempt, caller.Token);

        caller.Cancel();
        Assert.True(timer.Token.IsCancellationRequested);
        Assert.False(timer.TimedOut);
        timer.Release();

        Assert.NotSame(timer, pool.RentUnstarted(AttemptDeadline.Attempt, default));
    }

    [Fact]
    public void ReleaseUnstarted_NoCallerToken_ReturnsTheTimerAndItsNextUseStillTimesOut()
    {
        var pool = new AttemptTimerPool(_time);
        var timer = pool.RentUnstarted(AttemptDeadline.Attempt, default);

        timer.ReleaseUnstarted();
        var next = pool.Rent(TimeSpan.FromSeconds(1), AttemptDeadline.Attempt, default);

        Assert.Same(timer, next);
        Assert.False(next.Token.IsCancellationRequested);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(next.TimedOut);
    }

    [Fact]
    public void ReleaseUnstarted_CallerTokenLinked_UnlinksItSoALaterCancellationMissesTheNextUse()
    {
        var pool = new AttemptTimerPool(_time);
        using var caller = new CancellationTokenSource();
        var timer = pool.RentUnstarted(AttemptDeadline.Attempt, caller.Token);

        timer.ReleaseUnstarted();
        var next = pool.RentUnstarted(AttemptDeadline.Attempt, default);
        caller.Cancel();

        Assert.Same(timer, next);
        Assert.False(next.Token.IsCancellationRequested);
    }

    [Fact]
    public void ReleaseUnstarted_AfterCallerCancelled_DropsTheTimer()
    {
        var pool = new AttemptTimerPool(_time);
        using var caller = new CancellationTokenSource();
        var timer = pool.RentUnstarted(AttemptDeadline.Attempt, caller.Token);

        caller.Cancel();
        timer.ReleaseUnstarted();

        Assert.NotSame(timer, pool.RentUnstarted(AttemptDeadline.Attempt, default));
    }
}
