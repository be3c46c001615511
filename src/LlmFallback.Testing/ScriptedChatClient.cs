using System.Globalization;
using System.Runtime.CompilerServices;
using LlmFallback.Testing.Internal;
using Microsoft.Extensions.AI;

namespace LlmFallback.Testing;

/// <summary>
/// A fake provider for tests: each call plays the next step of a script (an answer, an HTTP error, a hang, a faulty
/// stream, ...) and is recorded, so a test can drive an application's fallback through real provider faults and
/// assert exactly what the provider received.
/// </summary>
/// <remarks>
/// <para>Every delay runs on the injected <see cref="System.TimeProvider"/>: with a <c>FakeTimeProvider</c> nothing waits on
/// the wall clock, and a test advances time to release delayed, slow or flapping steps. Every wait honours the call's
/// cancellation token.</para>
/// <para>A non-streaming call arrives when <see cref="GetResponseAsync"/> is called. A streaming call arrives when
/// its enumeration starts, as an HTTP request is sent only then; enumerating the same stream twice makes two calls.
/// Each arrival consumes the next step, is recorded in <see cref="Calls"/>, and only then looks at its token: a call
/// made with a cancelled token is recorded and throws <see cref="OperationCanceledException"/>.</para>
/// <para>The client is thread-safe.</para>
/// </remarks>
/// <example>
/// <code>
/// var primary = ScriptedChatClient.Sequence(time, Script.Status(429, retryAfter: TimeSpan.FromSeconds(2)), Script.Answer("hi"));
/// </code>
/// </example>
public sealed class ScriptedChatClient : IChatClient
{
    private static readonly ChatClientMetadata Metadata = new("scripted");
    private readonly ScriptStep[] _steps;
    private readonly long[] _ends;
    private readonly bool _repeatsLast;
    private readonly long _created;
    private readonly Lock _lock = new();
    private readonly List<ScriptedCall> _calls = [];

    /// <summary>Initializes a new instance of the <see cref="ScriptedChatClient"/> class that plays <paramref name="steps"/> in order, one per call.</summary>
    /// <param name="steps">The script. A step made with <see cref="ScriptStep.Times"/> serves that many calls; one made with <see cref="ScriptStep.Forever"/> serves every remaining call and must be last. A call after the script has run out throws <see cref="InvalidOperationException"/>.</param>
    /// <param name="timeProvider">The clock every delay, hang and flap schedule runs on; <see langword="null"/> for <see cref="TimeProvider.System"/>. A flap schedule starts now.</param>
    /// <exception cref="ArgumentNullException"><paramref name="steps"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="steps"/> is empty, holds <see langword="null"/>, or has a step after one that repeats forever.</exception>
    public ScriptedChatClient(IEnumerable<ScriptStep> steps, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(steps);
        _steps = [.. steps];
        if (_steps.Length == 0)
        {
            throw new ArgumentException("The script needs at least one step.", nameof(steps));
        }

        _ends = new long[_steps.Length];
        long end = 0;
        for (var i = 0; i < _steps.Length; i++)
        {
            var repeats = (_steps[i] ?? throw new ArgumentException($"Step {i} of the script is null.", nameof(steps))).Repeats;
            if (repeats is null && i < _steps.Length - 1)
            {
                throw new ArgumentException($"Step {i} repeats forever, so the {_steps.Length - 1 - i} step(s) after it could never run; make it the last step.", nameof(steps));
            }

            _repeatsLast = repeats is null;
            end += repeats ?? 0;
            _ends[i] = end;
        }

        TimeProvider = timeProvider ?? TimeProvider.System;
        _created = TimeProvider.GetTimestamp();
    }

    /// <summary>Gets the clock the script runs on.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>Gets a snapshot of every call received so far, in order of arrival.</summary>
    public IReadOnlyList<ScriptedCall> Calls
    {
        get
        {
            lock (_lock)
            {
                return [.. _calls];
            }
        }
    }

    /// <summary>Gets how many calls have been received so far.</summary>
    public int CallCount
    {
        get
        {
            lock (_lock)
            {
                return _calls.Count;
            }
        }
    }

    /// <summary>Creates a client on <see cref="TimeProvider.System"/> that plays <paramref name="steps"/> in order, one per call.</summary>
    /// <param name="steps">The script; see <see cref="ScriptedChatClient(IEnumerable{ScriptStep}, TimeProvider?)"/>.</param>
    /// <returns>The client.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="steps"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="steps"/> is empty, holds <see langword="null"/>, or has a step after one that repeats forever.</exception>
    public static ScriptedChatClient Sequence(params ScriptStep[] steps) => new(steps);

    /// <summary>Creates a client on <paramref name="timeProvider"/> that plays <paramref name="steps"/> in order, one per call.</summary>
    /// <param name="timeProvider">The clock every delay, hang and flap schedule runs on, typically a <c>FakeTimeProvider</c>.</param>
    /// <param name="steps">The script; see <see cref="ScriptedChatClient(IEnumerable{ScriptStep}, TimeProvider?)"/>.</param>
    /// <returns>The client.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="timeProvider"/> or <paramref name="steps"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="steps"/> is empty, holds <see langword="null"/>, or has a step after one that repeats forever.</exception>
    public static ScriptedChatClient Sequence(TimeProvider timeProvider, params ScriptStep[] steps)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        return new(steps, timeProvider);
    }

    /// <summary>Creates a client that plays <paramref name="step"/> on every call.</summary>
    /// <param name="step">The step, for example <c>Script.Status(503)</c> or <c>Script.Random(...)</c>.</param>
    /// <param name="timeProvider">The clock; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <returns>The client.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="step"/> is <see langword="null"/>.</exception>
    public static ScriptedChatClient Always(ScriptStep step, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(step);
        return new([step.Forever()], timeProvider);
    }

    /// <inheritdoc />
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var (step, context) = Arrive(messages, options, streaming: false);
        if (step is null)
        {
            return Task.FromException<ChatResponse>(Exhausted(context.Index));
        }

        return cancellationToken.IsCancellationRequested
            ? Task.FromCanceled<ChatResponse>(cancellationToken)
            : step.RespondAsync(context, cancellationToken);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return StreamAsync(messages, options, cancellationToken);
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        return serviceType == typeof(ChatClientMetadata) ? Metadata : serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <summary>Does nothing: the client holds no resources, and its recorded calls stay readable.</summary>
    public void Dispose()
    {
    }

    private async IAsyncEnumerable<ChatResponseUpdate> StreamAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (step, context) = Arrive(messages, options, streaming: true);
        if (step is null)
        {
            throw Exhausted(context.Index);
        }

        cancellationToken.ThrowIfCancellationRequested();
        await foreach (var update in step.StreamAsync(context, cancellationToken).ConfigureAwait(false))
        {
            yield return update;
        }
    }

    /// <summary>Records the call and picks its step (<see langword="null"/> when the script has run out).</summary>
    private (ScriptStep? Step, StepContext Context) Arrive(IEnumerable<ChatMessage> messages, ChatOptions? options, bool streaming)
    {
        ChatMessage[] sent = [.. messages];
        var sentOptions = options?.Clone();
        int index;
        long now;
        lock (_lock)
        {
            index = _calls.Count;
            now = TimeProvider.GetTimestamp();
            _calls.Add(new ScriptedCall(index, sent, sentOptions, streaming, TimeProvider.GetUtcNow()));
        }

        var context = new StepContext(index, TimeProvider, TimeProvider.GetElapsedTime(_created, now), options?.ModelId);
        return (StepFor(index), context);
    }

    private ScriptStep? StepFor(int index)
    {
        for (var i = 0; i < _ends.Length; i++)
        {
            if (index < _ends[i])
            {
                return _steps[i];
            }
        }

        return _repeatsLast ? _steps[^1] : null;
    }

    private InvalidOperationException Exhausted(int index) => new(string.Create(
        CultureInfo.InvariantCulture,
        $"Call {index + 1} reached the ScriptedChatClient after its script of {_ends[^1]} call(s) ran out. Script more steps, end the script with a step marked Forever(), or use ScriptedChatClient.Always(...)."));
}
