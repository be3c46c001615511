using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.AI;

namespace LlmFallback;

public sealed partial class FallbackChatClient
{
    /// <summary>
    /// The streaming loop. An attempt is complete only when a finish reason has arrived; a stream that ends without
    /// one is a failure. Output is held back until the plan's commit rule is met, so a failure inside the holdback
    /// window restarts cleanly on the next provider. A failure after commit is rescued on a provider that can continue
    /// a prefill, or ends in <see cref="LlmPartialResponseException"/>; never in a silent truncated success.
    /// </summary>
    private async IAsyncEnumerable<ChatResponseUpdate> StreamAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options,
        FallbackPlan plan,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var state = new RequestState(plan);
        var streaming = plan.Streaming;
        using var callActivity = StartActivity("llmfallback.chat_stream", null, 0);
        var start = _clock.Now;
        _retryBudget.RecordRequest(start);
        var provider = SelectNext(state, start, requirePrefill: false) ?? throw Exhausted(state, start);

        // What the caller has received so far (across attempts, when a stream is rescued).
        var committedChars = 0;
        var rescuable = true;
        var rescued = false;
        StringBuilder? committedText = null;
        List<ChatResponseUpdate>? held = null;
        ChatResponseUpdate? last = null;
        ChatResponseUpdate? firstYielded = null;

        while (true)
        {
            if (state.Calls >= plan.MaxAttempts)
            {
                throw committedChars > 0 || !rescuable ? Partial(state, committedChars) : Exhausted(state, _clock.Now);
            }

            state.Calls++;

            // Output already with the caller cannot be taken back: a continuation streams straight through.
            var outputCommitted = committedChars > 0 || !rescuable;
            var committed = plan.CommitImmediately || outputCommitted;
            var attemptMessages = committedChars > 0 ? WithPrefill(messages, committedText!.ToString()) : messages;
            var activity = StartActivity("llmfallback.attempt", provider, state.Calls);
            var attemptStart = _clock.Now;
            var idle = plan.IdleTimeouts[state.ProviderIndex];
            var firstTokenTimeout = plan.FirstTokenTimeouts[state.ProviderIndex];
            var timer = _timers.Rent(firstTokenTimeout, AttemptDeadline.FirstToken, cancellationToken);
            IAsyncEnumerator<ChatResponseUpdate>? stream = null;
            Exception? error = null;
            var finished = false;
            ChatFinishReason? finishReason = null;
            var ended = false;
            var heldChars = 0;
            long firstUpdateAt = 0;
            var timedOut = false;
            var deadline = AttemptDeadline.FirstToken;
            var concluded = false;
            var first = true;
            var producing = false;
            var firstTokenLeft = firstTokenTimeout;
            try
            {
                try
                {
                    stream = provider.Client.GetStreamingResponseAsync(attemptMessages, ForProvider(options, provider), timer.Token).GetAsyncEnumerator(timer.Token);
                }
#pragma warning disable CA1031 // Every failure is classified; none escapes unexamined.
                catch (Exception ex)
                {
                    error = ex;
                }

                while (error is null)
                {
                    if (!first)
                    {
                        if (finished)
                        {
                            timer.Move(streaming.CompletionGracePeriod, AttemptDeadline.Completion);
                        }
                        else if (producing)
                        {
                            timer.Move(idle, AttemptDeadline.Idle);
                        }
                        else
                        {
                            // Content-less updates (a role-only delta, filter results) are not the first token: the
                            // first-token deadline keeps running, for the time spent waiting on the provider only.
                            timer.Move(firstTokenLeft, AttemptDeadline.FirstToken);
                        }
                    }

                    var waitStart = first ? attemptStart : _clock.Now;
                    first = false;
                    bool hasUpdate;
                    try
                    {
                        hasUpdate = await stream!.MoveNextAsync().ConfigureAwait(false);
                    }
                    catch (Exception ex)
                    {
                        error = ex;
                        break;
                    }
#pragma warning restore CA1031

                    if (!hasUpdate)
                    {
                        ended = true;
                        break;
                    }

                    timer.Suspend();
                    var update = stream.Current;
                    if (update.FinishReason is { } reason)
                    {
                        finished = true;
                        finishReason = reason;
                    }

                    if (!producing && firstTokenLeft != Timeout.InfiniteTimeSpan)
                    {
                        firstTokenLeft -= _clock.ElapsedSince(waitStart);
                        firstTokenLeft = firstTokenLeft > TimeSpan.Zero ? firstTokenLeft : TimeSpan.Zero;
                    }

                    producing = producing || finished || HasOutput(update);
                    update.ModelId ??= provider.Model;
                    if (firstYielded is not null)
                    {
                        // Whatever follows output the caller already has (a continuation, or a clean restart after
                        // only empty updates were committed) is the same answer: keep the message and response
                        // identity the caller already has, so ToChatResponse() joins it into one message.
                        update.MessageId = firstYielded.MessageId;
                        update.ResponseId = firstYielded.ResponseId ?? update.ResponseId;
                    }

                    last = update;

                    if (!committed)
                    {
                        (held ??= new(8)).Add(update);
                        heldChars += TextLength(update);
                        if (firstUpdateAt == 0)
                        {
                            firstUpdateAt = _clock.Now;
                        }

                        if (!ShouldCommit(streaming, heldChars, firstUpdateAt))
                        {
                            continue;
                        }

                        committed = true;
                        foreach (var h in held)
                        {
                            firstYielded ??= h;
                            Track(h, plan.KeepsCommittedText, ref committedText, ref committedChars, ref rescuable);
                            yield return h;
                        }

                        held.Clear();
                        continue;
                    }

                    firstYielded ??= update;
                    Track(update, plan.KeepsCommittedText, ref committedText, ref committedChars, ref rescuable);
                    yield return update;
                }

                concluded = true;
            }
            finally
            {
                timedOut = timer.TimedOut;
                deadline = timer.Deadline;
                if (stream is not null)
                {
                    try
                    {
                        await stream.DisposeAsync().ConfigureAwait(false);
                    }
#pragma warning disable CA1031 // A failure to dispose a finished or failed stream changes nothing for the caller.
                    catch (Exception)
#pragma warning restore CA1031
                    {
                    }
                }

                timer.Release();
                if (!concluded)
                {
                    // The caller stopped enumerating: no verdict on the provider's health.
                    provider.Breaker.OnNeutral(state.Probe);
                    activity?.Dispose();
                }
            }

            var end = _clock.Now;
            var duration = _clock.Elapsed(attemptStart, end);

            // A content-filter stop is a refusal: with OnContentPolicy = FailOver, and while the caller has seen
            // nothing of it, it fails over like a refusal by error status.
            var refused = finished && committedChars == 0 && rescuable && IsFilteredForFailover(finishReason, plan);

            // A finish reason makes the answer complete, whatever follows: a missing [DONE], a reset, or a stall
            // past the completion grace period.
            if (finished && !refused && (ended || error is not null) && !cancellationToken.IsCancellationRequested)
            {
                if (held is { Count: > 0 })
                {
                    foreach (var h in held)
                    {
                        yield return h;
                    }

                    held.Clear();
                }

                provider.Breaker.OnSuccess(end, state.Probe);
                var info = Succeeded(state, provider, last?.ModelId ?? provider.Model, duration, rescued, activity);
                activity?.Dispose();
                // No message id or role: ToChatResponse then files the properties on the response itself.
                yield return new ChatResponseUpdate
                {
                    ModelId = info.ModelId,
                    ResponseId = last?.ResponseId,
                    AdditionalProperties = new() { [LlmCallInfo.AdditionalPropertiesKey] = info },
                };
                yield break;
            }

            if (cancellationToken.IsCancellationRequested)
            {
                provider.Breaker.OnNeutral(state.Probe);
                Record(state, provider, new LlmFailure(LlmFailureKind.Cancelled, exception: error), duration, LlmAttemptDecision.Surfaced, activity);
                activity?.Dispose();
                ThrowCancelled(error, cancellationToken);
            }

            LlmFailure failure;
            if (refused)
            {
                failure = new LlmFailure(LlmFailureKind.ContentPolicy, errorCode: "content_filter");
            }
            else if (error is null)
            {
                failure = new LlmFailure(LlmFailureKind.Transport, errorCode: "stream_incomplete");
            }
            else if (timedOut)
            {
                failure = new LlmFailure(LlmFailureKind.Timeout, errorCode: deadline == AttemptDeadline.FirstToken ? "first_token_timeout" : "idle_timeout", exception: error);
            }
            else
            {
                failure = provider.Classify(error);
            }

            // Nothing held back ever reaches the caller: the next attempt starts clean.
            held?.Clear();
            var (decision, delay) = Decide(state, provider, failure, end);
            outputCommitted = committedChars > 0 || !rescuable;
            if (outputCommitted)
            {
                if (decision == LlmAttemptDecision.Surfaced || streaming.Rescue != StreamRescueMode.Continue || !rescuable)
                {
                    Record(state, provider, failure, duration, LlmAttemptDecision.Surfaced, activity);
                    activity?.Dispose();
                    Log.StreamPartial(_logger, provider.Name, committedChars, failure);
                    throw Partial(state, committedChars);
                }

                decision = decision == LlmAttemptDecision.Retried && provider.Capabilities.PrefillContinuation ? LlmAttemptDecision.Retried : LlmAttemptDecision.Rescued;
            }

            var failedAttempt = Record(state, provider, failure, duration, decision, activity);
            activity?.Dispose();
            if (decision == LlmAttemptDecision.Surfaced)
            {
                RecordRequestMetrics(null, state.FallbackReason is not null, success: false);
                throw new LlmProviderException(failure, provider.Name, state.Attempts);
            }

            var failedProvider = provider;
            if (decision == LlmAttemptDecision.Retried && await WaitToRetryAsync(state, provider, end, delay, cancellationToken).ConfigureAwait(false))
            {
                rescued |= committedChars > 0;
                continue;
            }

            var now = _clock.Now;
            var next = SelectNext(state, now, requirePrefill: committedChars > 0);
            if (next is null)
            {
                if (committedChars > 0)
                {
                    // Nobody could continue the answer: the attempt was not rescued after all, its failure surfaces.
                    failedAttempt.Decision = LlmAttemptDecision.Surfaced;
                    Log.StreamPartial(_logger, failedProvider.Name, committedChars, failure);
                    throw Partial(state, committedChars);
                }

                throw Exhausted(state, now);
            }

            if (committedChars > 0)
            {
                rescued = true;
                Log.StreamRescued(_logger, failedProvider.Name, committedChars, failure, next.Name);
                if (LlmFallbackDiagnostics.StreamRescues.Enabled)
                {
                    LlmFallbackDiagnostics.StreamRescues.Add(1, new KeyValuePair<string, object?>(LlmFallbackDiagnostics.ProviderTag, failedProvider.Name));
                }
            }

            provider = next;
        }
    }

    private bool ShouldCommit(StreamingFallbackOptions streaming, int heldChars, long firstUpdateAt)
    {
        if (streaming.HoldbackUntilComplete)
        {
            return false;
        }

        if (streaming.HoldbackCharacters > 0 && heldChars >= streaming.HoldbackCharacters)
        {
            return true;
        }

        return streaming.HoldbackDuration > TimeSpan.Zero && _clock.ElapsedSince(firstUpdateAt) >= streaming.HoldbackDuration;
    }

    /// <summary>Counts what the caller received, and keeps the text when it may be needed to continue the answer elsewhere.</summary>
    private static void Track(ChatResponseUpdate update, bool keepText, ref StringBuilder? text, ref int chars, ref bool rescuable)
    {
        var contents = update.Contents;
        for (var i = 0; i < contents.Count; i++)
        {
            switch (contents[i])
            {
                case TextContent t when t.Text is { Length: > 0 } s:
                    chars += s.Length;
                    if (keepText)
                    {
                        (text ??= new StringBuilder(s.Length < 64 ? 64 : s.Length)).Append(s);
                    }

                    break;
                case TextContent:
                case UsageContent:
                    break;
                default:
                    // Tool calls, reasoning and media cannot be continued as a prefill.
                    rescuable = false;
                    break;
            }
        }
    }

    /// <summary>Whether an update carries output (text, a tool call, reasoning...), as opposed to only a role, empty text or usage.</summary>
    private static bool HasOutput(ChatResponseUpdate update)
    {
        var contents = update.Contents;
        for (var i = 0; i < contents.Count; i++)
        {
            switch (contents[i])
            {
                case TextContent t when string.IsNullOrEmpty(t.Text):
                case UsageContent:
                    break;
                default:
                    return true;
            }
        }

        return false;
    }

    private static int TextLength(ChatResponseUpdate update)
    {
        var length = 0;
        var contents = update.Contents;
        for (var i = 0; i < contents.Count; i++)
        {
            if (contents[i] is TextContent { Text: { } s })
            {
                length += s.Length;
            }
        }

        return length;
    }

    /// <summary>The conversation plus the partial answer as a trailing assistant message, for a provider to continue.</summary>
    private static List<ChatMessage> WithPrefill(IEnumerable<ChatMessage> messages, string partial)
    {
        var list = new List<ChatMessage>(messages);
        if (list.Count > 0 && list[^1] is { } lastMessage && lastMessage.Role == ChatRole.Assistant && OnlyText(lastMessage))
        {
            // The caller already supplied a prefill: the partial answer extends it.
            list[^1] = new ChatMessage(ChatRole.Assistant, lastMessage.Text + partial);
        }
        else
        {
            list.Add(new ChatMessage(ChatRole.Assistant, partial));
        }

        return list;
    }

    private static bool OnlyText(ChatMessage message)
    {
        foreach (var c in message.Contents)
        {
            if (c is not TextContent)
            {
                return false;
            }
        }

        return true;
    }

    private static LlmPartialResponseException Partial(RequestState state, int committedChars)
    {
        RecordRequestMetrics(null, state.FallbackReason is not null, success: false);
        var provider = state.LastProvider?.Name ?? state.Plan.Providers[0].Name;
        var failure = state.LastFailure ?? new LlmFailure(LlmFailureKind.Transport, errorCode: "stream_incomplete");
        return new LlmPartialResponseException(provider, failure, committedChars, state.Attempts);
    }
}
