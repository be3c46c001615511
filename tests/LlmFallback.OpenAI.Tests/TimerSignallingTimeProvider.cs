using Microsoft.Extensions.Time.Testing;

namespace LlmFallback.OpenAI.Tests;

/// <summary>A fake clock that tells the test when code under test starts waiting, so time is advanced only after that.</summary>
internal sealed class TimerSignallingTimeProvider : FakeTimeProvider
{
    private readonly List<(TimeSpan Due, TaskCompletionSource Created)> _waits = [];
    private readonly List<TimeSpan> _created = [];

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        lock (_waits)
        {
            _created.Add(dueTime);
            foreach (var (due, created) in _waits)
            {
                if (due == dueTime)
                {
                    created.TrySetResult();
                }
            }
        }

        return timer;
    }

    /// <summary>Completes when a timer with exactly <paramref name="dueTime"/> has been created.</summary>
    public Task WaitForTimerAsync(TimeSpan dueTime, CancellationToken cancellationToken)
    {
        lock (_waits)
        {
            if (_created.Contains(dueTime))
            {
                return Task.CompletedTask;
            }

            var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waits.Add((dueTime, created));
            return created.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
        }
    }
}
