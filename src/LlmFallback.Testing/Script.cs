using System.Net.Http;
using LlmFallback.Testing.Internal;
using Microsoft.Extensions.AI;

namespace LlmFallback.Testing;

/// <summary>
/// Creates the steps a <see cref="ScriptedChatClient"/> plays: answers, HTTP errors, exceptions, hangs, faulty streams,
/// flapping and random faults.
/// </summary>
/// <example>
/// <code>
/// var primary = ScriptedChatClient.Sequence(time,
///     Script.Status(429, retryAfter: TimeSpan.FromSeconds(2)),
///     Script.Answer("a b c").ThenCut(),
///     Script.Answer("hi").Forever());
/// </code>
/// </example>
public static class Script
{
    /// <summary>Answers with <paramref name="text"/>; a stream yields it one word per update, then a final update with the finish reason and usage.</summary>
    /// <param name="text">The answer. Each streamed token is a word with the whitespace before it.</param>
    /// <param name="modelId">The model id the response carries; <see langword="null"/> to echo the requested model.</param>
    /// <param name="usage">The token counts the response reports; <see langword="null"/> for none.</param>
    /// <returns>The step; chain <see cref="AnswerStep.ThenCut"/>, <see cref="AnswerStep.ThenStall"/> and the like for a faulty stream.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    public static AnswerStep Answer(string text, string? modelId = null, UsageDetails? usage = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var step = new AnswerStep(Tokens.Split(text), modelId, usage: null);
        return usage is null ? step : step.WithUsage(usage);
    }

    /// <summary>Answers with exactly these streaming tokens, one update each; a non-streaming call gets them concatenated.</summary>
    /// <param name="tokens">The text of each update.</param>
    /// <returns>The step; chain <see cref="AnswerStep.ThenCut"/>, <see cref="AnswerStep.ThenStall"/> and the like for a faulty stream.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="tokens"/> or one of its elements is <see langword="null"/>.</exception>
    public static AnswerStep Stream(params string[] tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        foreach (var token in tokens)
        {
            ArgumentNullException.ThrowIfNull(token, nameof(tokens));
        }

        return new AnswerStep([.. tokens], modelId: null, usage: null);
    }

    /// <summary>
    /// Fails as a provider adapter does on an HTTP error response: throws <see cref="LlmProviderException"/> with the
    /// status code, retry-after and error code, and the failure kind the shared classifier assigns to them
    /// (<see cref="LlmFailureClassifier.FromHttpStatus"/>). A stream throws before its first update.
    /// </summary>
    /// <param name="statusCode">The HTTP status code, 400 to 599.</param>
    /// <param name="retryAfter">The delay the provider asks for (its <c>Retry-After</c>); <see langword="null"/> for none.</param>
    /// <param name="errorCode">The provider's error code or type, for example <c>context_length_exceeded</c>; <see langword="null"/> for none.</param>
    /// <returns>The step.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="statusCode"/> is not an error status, or <paramref name="retryAfter"/> is negative.</exception>
    public static ScriptStep Status(int statusCode, TimeSpan? retryAfter = null, string? errorCode = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 400);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 599);
        if (retryAfter is { } delay)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero, nameof(retryAfter));
        }

        return new StatusStep(statusCode, retryAfter, errorCode);
    }

    /// <summary>Throws <paramref name="exception"/> (a stream throws it before its first update).</summary>
    /// <param name="exception">The exception, for example an <see cref="HttpRequestException"/> for a refused connection. The same instance is thrown on every call it serves; use <see cref="Throw(Func{Exception})"/> for a new one each time.</param>
    /// <returns>The step.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="exception"/> is <see langword="null"/>.</exception>
    public static ScriptStep Throw(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return new ThrowStep(() => exception);
    }

    /// <summary>Throws a new exception from <paramref name="exceptionFactory"/> on each call (a stream throws it before its first update).</summary>
    /// <param name="exceptionFactory">Creates the exception to throw.</param>
    /// <returns>The step.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="exceptionFactory"/> is <see langword="null"/>.</exception>
    public static ScriptStep Throw(Func<Exception> exceptionFactory)
    {
        ArgumentNullException.ThrowIfNull(exceptionFactory);
        return new ThrowStep(exceptionFactory);
    }

    /// <summary>Never answers: the call (or a stream's first update) waits until its cancellation token is cancelled, then throws <see cref="OperationCanceledException"/>.</summary>
    /// <returns>The step. A call whose token can never be cancelled hangs forever.</returns>
    public static ScriptStep Hang() => HangStep.Instance;

    /// <summary>
    /// A flapping provider: behaves like <paramref name="down"/> for <paramref name="downFor"/>, then like
    /// <paramref name="up"/> for <paramref name="upFor"/>, and again, measured on the client's clock from the moment
    /// the client was created. The phase is chosen when a call arrives; a phase starts exactly at its boundary.
    /// </summary>
    /// <param name="down">What a call does while the provider is down, for example <c>Script.Status(503)</c>.</param>
    /// <param name="downFor">How long each down period lasts.</param>
    /// <param name="up">What a call does while the provider is healthy, for example <c>Script.Answer("ok")</c>.</param>
    /// <param name="upFor">How long each healthy period lasts.</param>
    /// <returns>The step.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="down"/> or <paramref name="up"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="downFor"/> or <paramref name="upFor"/> is not positive.</exception>
    public static ScriptStep Flap(ScriptStep down, TimeSpan downFor, ScriptStep up, TimeSpan upFor)
    {
        ArgumentNullException.ThrowIfNull(down);
        ArgumentNullException.ThrowIfNull(up);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(downFor, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(upFor, TimeSpan.Zero);
        return new FlapStep(down, downFor, up, upFor);
    }

    /// <summary>
    /// Picks one of several steps for each call, with probability proportional to its weight. The pick depends only on
    /// <paramref name="seed"/> and the call's number on its client, so a seed replays the same outcomes for the same
    /// calls, also under concurrency (the outcomes are the same; which request gets which depends on arrival order).
    /// </summary>
    /// <param name="seed">The seed.</param>
    /// <param name="choices">Each step with its weight, for example <c>(0.9, Script.Answer("ok")), (0.1, Script.Status(503))</c>.</param>
    /// <returns>The step.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="choices"/> or one of its steps is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="choices"/> is empty, a weight is negative or not finite, or every weight is zero.</exception>
    public static ScriptStep Random(int seed, params (double Weight, ScriptStep Step)[] choices)
    {
        ArgumentNullException.ThrowIfNull(choices);
        if (choices.Length == 0)
        {
            throw new ArgumentException("At least one weighted step is required.", nameof(choices));
        }

        var steps = new ScriptStep[choices.Length];
        var weights = new double[choices.Length];
        var total = 0.0;
        for (var i = 0; i < choices.Length; i++)
        {
            var (weight, step) = choices[i];
            ArgumentNullException.ThrowIfNull(step, nameof(choices));
            if (!double.IsFinite(weight) || weight < 0)
            {
                throw new ArgumentException($"The weight of choice {i} must be zero or positive and finite.", nameof(choices));
            }

            (steps[i], weights[i]) = (step, weight);
            total += weight;
        }

        if (total <= 0)
        {
            throw new ArgumentException("At least one weight must be positive.", nameof(choices));
        }

        return new RandomStep(seed, steps, weights);
    }
}
