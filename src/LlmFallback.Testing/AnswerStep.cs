using System.Net.Http;
using System.Runtime.CompilerServices;
using System.Text.Json;
using LlmFallback.Testing.Internal;
using Microsoft.Extensions.AI;

namespace LlmFallback.Testing;

/// <summary>
/// A scripted answer: a non-streaming call gets it as one <see cref="ChatResponse"/>; a streaming call gets it as one
/// update per token followed by an ending (by default a final update with a finish reason and the usage). The fluent
/// methods return a new step with a different ending or timing.
/// </summary>
/// <remarks>
/// <para>Timing: the first token comes after <see cref="WithFirstTokenDelay"/>, each later token after
/// <see cref="WithTokenDelay"/>, and the ending right after the last token. A non-streaming call takes as long as the
/// whole stream would and then ends the same way: a cut or garbage ending throws, a stall hangs until cancelled, and
/// <see cref="WithoutFinish"/> returns the text with no finish reason and no usage.</para>
/// <para>When no model is scripted, the response names the model the caller asked for in <see cref="ChatOptions.ModelId"/>,
/// as a real provider echoes it.</para>
/// </remarks>
public sealed class AnswerStep : ScriptStep
{
    private readonly string[] _tokens;
    private string? _modelId;
    private UsageDetails? _usage;
    private ChatFinishReason _finishReason = ChatFinishReason.Stop;
    private StreamEnding _ending;
    private TimeSpan _firstTokenDelay;
    private TimeSpan _tokenDelay;

    internal AnswerStep(string[] tokens, string? modelId, UsageDetails? usage)
    {
        _tokens = tokens;
        _modelId = modelId;
        _usage = usage;
    }

    private enum StreamEnding
    {
        Finish,
        WithoutFinish,
        Cut,
        Stall,
        Garbage,
    }

    /// <summary>Gets the whole answer text: the tokens, concatenated.</summary>
    public string Text => string.Concat(_tokens);

    /// <summary>Gets the token updates a stream yields before its ending.</summary>
    public IReadOnlyList<string> Tokens => _tokens.AsReadOnly();

    /// <summary>Returns this answer as produced by <paramref name="modelId"/>.</summary>
    /// <param name="modelId">The model id the response and its updates carry.</param>
    /// <returns>The new step.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="modelId"/> is <see langword="null"/>.</exception>
    public AnswerStep WithModel(string modelId)
    {
        ArgumentNullException.ThrowIfNull(modelId);
        return With(s => s._modelId = modelId);
    }

    /// <summary>Returns this answer reporting <paramref name="usage"/> (a stream reports it in its final update).</summary>
    /// <param name="usage">The token counts; copied for each call so callers cannot change the script.</param>
    /// <returns>The new step.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="usage"/> is <see langword="null"/>.</exception>
    public AnswerStep WithUsage(UsageDetails usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        return With(s => s._usage = Copy(usage));
    }

    /// <summary>Returns this answer finishing with <paramref name="reason"/> instead of <see cref="ChatFinishReason.Stop"/>.</summary>
    /// <param name="reason">The finish reason, for example <see cref="ChatFinishReason.Length"/> or <see cref="ChatFinishReason.ContentFilter"/>.</param>
    /// <returns>The new step, ending normally.</returns>
    public AnswerStep WithFinishReason(ChatFinishReason reason) => With(s => (s._finishReason, s._ending) = (reason, StreamEnding.Finish));

    /// <summary>Returns this answer with its first token (and so a non-streaming response) coming <paramref name="delay"/> late.</summary>
    /// <param name="delay">The time to first token.</param>
    /// <returns>The new step.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delay"/> is negative.</exception>
    public AnswerStep WithFirstTokenDelay(TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        return With(s => s._firstTokenDelay = delay);
    }

    /// <summary>Returns this answer with <paramref name="delay"/> between consecutive tokens.</summary>
    /// <param name="delay">The gap before each token after the first.</param>
    /// <returns>The new step.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delay"/> is negative.</exception>
    public AnswerStep WithTokenDelay(TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        return With(s => s._tokenDelay = delay);
    }

    /// <summary>
    /// Returns this answer with the connection cut after the last token: the stream throws
    /// <see cref="HttpIOException"/> with <see cref="HttpRequestError.ResponseEnded"/>, as <see cref="HttpClient"/> does.
    /// </summary>
    /// <returns>The new step.</returns>
    public AnswerStep ThenCut() => With(s => s._ending = StreamEnding.Cut);

    /// <summary>Returns this answer going silent after the last token: the next update never comes, until the call's token is cancelled.</summary>
    /// <returns>The new step.</returns>
    public AnswerStep ThenStall() => With(s => s._ending = StreamEnding.Stall);

    /// <summary>Returns this answer followed by a malformed chunk: the stream throws <see cref="JsonException"/>, as a parser does.</summary>
    /// <returns>The new step.</returns>
    public AnswerStep ThenGarbage() => With(s => s._ending = StreamEnding.Garbage);

    /// <summary>Returns this answer ending cleanly but without its terminal event: no update carries a finish reason (or usage).</summary>
    /// <returns>The new step.</returns>
    public AnswerStep WithoutFinish() => With(s => s._ending = StreamEnding.WithoutFinish);

    internal override async Task<ChatResponse> RespondAsync(StepContext context, CancellationToken cancellationToken)
    {
        var gaps = _tokens.Length > 1 ? _tokenDelay * (_tokens.Length - 1) : TimeSpan.Zero;
        await ScriptTime.WaitAsync(context.Time, _firstTokenDelay + gaps, cancellationToken).ConfigureAwait(false);
        var finished = await EndAsync(cancellationToken).ConfigureAwait(false);
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, Text) { MessageId = context.ResponseId })
        {
            ResponseId = context.ResponseId,
            ModelId = _modelId ?? context.RequestedModel,
            CreatedAt = context.Time.GetUtcNow(),
            FinishReason = finished ? _finishReason : null,
            Usage = finished && _usage is not null ? Copy(_usage) : null,
        };
    }

    internal override async IAsyncEnumerable<ChatResponseUpdate> StreamAsync(StepContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var modelId = _modelId ?? context.RequestedModel;
        for (var i = 0; i < _tokens.Length; i++)
        {
            await ScriptTime.WaitAsync(context.Time, i == 0 ? _firstTokenDelay : _tokenDelay, cancellationToken).ConfigureAwait(false);
            yield return Update(context, modelId, [new TextContent(_tokens[i])]);
        }

        if (_tokens.Length == 0)
        {
            await ScriptTime.WaitAsync(context.Time, _firstTokenDelay, cancellationToken).ConfigureAwait(false);
        }

        if (await EndAsync(cancellationToken).ConfigureAwait(false))
        {
            var final = Update(context, modelId, _usage is null ? [] : [new UsageContent(Copy(_usage))]);
            final.FinishReason = _finishReason;
            yield return final;
        }
    }

    /// <summary>Applies the ending: <see langword="true"/> for a normal finish, <see langword="false"/> for none; throws or hangs for a fault.</summary>
    private Task<bool> EndAsync(CancellationToken cancellationToken) => _ending switch
    {
        StreamEnding.Finish => Task.FromResult(true),
        StreamEnding.WithoutFinish => Task.FromResult(false),
        StreamEnding.Cut => Task.FromException<bool>(new HttpIOException(HttpRequestError.ResponseEnded, "The response ended prematurely.")),
        StreamEnding.Garbage => Task.FromException<bool>(new JsonException("'<' is an invalid start of a value in a streamed chunk.")),
        _ => ScriptTime.HangAsync<bool>(cancellationToken),
    };

    private static ChatResponseUpdate Update(StepContext context, string? modelId, IList<AIContent> contents) => new(ChatRole.Assistant, contents)
    {
        ResponseId = context.ResponseId,
        MessageId = context.ResponseId,
        ModelId = modelId,
        CreatedAt = context.Time.GetUtcNow(),
    };

    private AnswerStep With(Action<AnswerStep> change)
    {
        var copy = (AnswerStep)MemberwiseClone();
        change(copy);
        return copy;
    }

    private static UsageDetails Copy(UsageDetails usage)
    {
        var copy = new UsageDetails();
        copy.Add(usage);
        return copy;
    }
}
