namespace LlmFallback.Testing.Internal;

/// <summary>Waiting on the client's clock, so that a <c>FakeTimeProvider</c> controls every delay.</summary>
internal static class ScriptTime
{
    /// <summary>Waits <paramref name="delay"/>; completes at once for zero; throws when the token is cancelled.</summary>
    public static Task WaitAsync(TimeProvider time, TimeSpan delay, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        return delay == TimeSpan.Zero ? Task.CompletedTask : Task.Delay(delay, time, cancellationToken);
    }

    /// <summary>Never completes unless the token is cancelled, then throws <see cref="OperationCanceledException"/>.</summary>
    public static async Task<T> HangAsync<T>(CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
        throw new InvalidOperationException("Unreachable: an infinite delay ended without cancellation.");
    }
}
