namespace LlmFallback;

/// <summary>
/// The provider call in progress on this async flow, as the fallback stage started it: what the HTTP layer below an
/// adapter (the replica pool) reads to tell the attempt's own deadline from the caller's cancellation, and to release
/// what it holds when the attempt ends, whatever <see cref="HttpClient"/> does with the request's token.
/// </summary>
/// <remarks>
/// The fallback stage enters a context only for providers whose HTTP layer reads it, so a plain call pays nothing.
/// Without a context (an adapter used on its own), a cancellation is treated as the caller's.
/// </remarks>
internal sealed class LlmAttemptContext
{
    private static readonly AsyncLocal<LlmAttemptContext?> CurrentContext = new();
    private readonly Func<bool> _timedOut;

    public LlmAttemptContext(Func<bool> timedOut, CancellationToken token)
    {
        Token = token;
        _timedOut = timedOut;
    }

    /// <summary>Gets the context of the attempt running on this flow, if any.</summary>
    public static LlmAttemptContext? Current => CurrentContext.Value;

    /// <summary>Gets the attempt's token: cancelled by the caller or by the attempt's deadline, and when the attempt ends.</summary>
    public CancellationToken Token { get; }

    /// <summary>Gets a value indicating whether the attempt's deadline (first token, idle, attempt), not the caller, cancelled it.</summary>
    public bool TimedOut => _timedOut();

    /// <summary>Makes <paramref name="context"/> current until the returned scope is disposed.</summary>
    public static Scope Enter(LlmAttemptContext context)
    {
        var previous = CurrentContext.Value;
        CurrentContext.Value = context;
        return new Scope(previous, entered: true);
    }

    /// <summary>Makes <paramref name="context"/> current until the returned scope is disposed; does nothing when it is <see langword="null"/>.</summary>
    public static Scope EnterIf(LlmAttemptContext? context) => context is null ? default : Enter(context);

    /// <summary>Restores the previous context; the default value (no context entered) does nothing.</summary>
    public readonly struct Scope(LlmAttemptContext? previous, bool entered) : IDisposable
    {
        public void Dispose()
        {
            if (entered)
            {
                CurrentContext.Value = previous;
            }
        }
    }
}
