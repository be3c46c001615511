using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace LlmFallback;

public sealed partial class FallbackChatClient
{
    /// <summary>
    /// The streaming loop. An attempt is complete only when a finish reason has arrived; a stream that ends without
    /// one is a failure. Output is held back until the plan's commit rule is met, so a failure inside the holdback
    /// window restarts cleanly on the next provider. A failure after commit is rescued on a provider that can continue
    /// a prefill, or ends in <see cref="LlmPartialResponseException"/>; never in a silent truncated success. The
    /// attempt that answered is settled before its last updates are handed over, and whatever is still held when the
    /// caller stops reading is given back in the <c>finally</c>.
    /// </summary>
    private async IAsyncEnumerable<ChatResponseUpdate> StreamAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options,
        FallbackPlan plan,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = new StreamRequest(plan);
        using var callActivity = StartActivity("llmfallback.chat_stream", null, 0);
        TagRoute(callActivity, options);
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            _retryBudget.RecordRequest(_clock.Now);
            plan.Hedging?.Budget.RecordRequest(_clock.Now);
            var provider = await SelectAsync(request, requirePrefill: false, cancellationToken).ConfigureAwait(false)
                ?? throw Failed(callActivity, Exhausted(request));

            while (true)
            {
                BeginAttempt(request, provider);
                var firstTokenTimeout = FirstTokenLimit(plan, provider, request.ProviderIndex);
                request.StartAttempt(plan.CommitImmediately, firstTokenTimeout);
                var attemptMessages = request.CommittedChars > 0 ? WithPrefill(messages, request.CommittedText!.ToString()) : messages;
                var timer = _timers.Rent(firstTokenTimeout, AttemptDeadline.FirstToken, cancellationToken);
                var context = provider.HasReplicas ? new LlmAttemptContext(timer.TimedOutGetter, timer.Token) : null;
                IAsyncEnumerator<ChatResponseUpdate>? stream = null;
                Exception? error = null;
                try
                {
                    try
                    {
                        using (LlmAttemptContext.EnterIf(context))
                        {
                            stream = provider.Client.GetStreamingResponseAsync(attemptMessages, ForProvider(options, provider), timer.Token).GetAsyncEnumerator(timer.Token);
                        }
                    }
#pragma warning disable CA1031 // Every failure is classified; none escapes unexamined.
                    catch (Exception ex)
                    {
                        error = ex;
                    }

                    if (error is null && plan.Hedging is not null && !request.Hedged && !request.OutputCommitted && request.ProviderIndex + 1 < plan.Providers.Length)
                    {
                        // One composite attempt until the first token: the stream, and maybe a hedge; the loop goes on
                        // with whichever produced it first (or with the call left to judge).
                        try
                        {
                            provider = (await RaceFirstTokenAsync(request, new HedgeLeg { Provider = provider, Timer = timer, Context = context, Stream = stream, FirstTokenLimit = firstTokenTimeout }, messages, options, plan.Hedging, cancellationToken).ConfigureAwait(false))!;
                        }
                        finally
                        {
                            // Whatever way the race ended (a throw included), the stream it left is the one this attempt
                            // disposes and whose timer it releases; the other one the race settled itself.
                            if (request.Hedge?.Leg is { } leg)
                            {
                                (timer, context, stream) = (leg.Timer!, leg.Context, leg.Stream);
                            }
                        }

                        (error, request.Ended) = (request.Hedge!.Error, request.Hedge.Ended);
                        if (request.Hedge.Surfaced is { } surfaced)
                        {
                            RecordRequestMetrics(null, request.FallbackReason is not null, success: false);
                            throw Failed(callActivity, new LlmProviderException(surfaced, provider.Name, request.Attempts));
                        }
                    }

                    while (error is null && !request.Ended)
                    {
                        // Waits before the first output count against the first-token budget. The first wait of an
                        // attempt starts with the attempt (nothing has reached the caller since); later ones start now.
                        var waitStart = request.Producing || request.FirstTokenLeft == Timeout.InfiniteTimeSpan ? 0
                            : request.First && plan.Hedging is null ? request.AttemptStart : _time.GetTimestamp();
                        MoveDeadline(request, timer, plan);
                        var update = request.TakeReplay();
                        if (update is null)
                        {
                            bool hasUpdate;
                            try
                            {
                                using (LlmAttemptContext.EnterIf(context))
                                {
                                    hasUpdate = await stream!.MoveNextAsync().ConfigureAwait(false);
                                }
                            }
                            catch (Exception ex)
                            {
                                error = ex;
                                break;
                            }

                            if (!hasUpdate)
                            {
                                request.Ended = true;
                                break;
                            }

                            update = stream.Current;
                        }
#pragma warning restore CA1031

                        timer.Suspend();
                        update = Observe(request, update, provider, waitStart);
                        if (!request.Committed)
                        {
                            (request.Held ??= new(8)).Add(update);
                            request.HeldChars += TextLength(update);
                            if (request.FirstUpdateAt == 0)
                            {
                                request.FirstUpdateAt = _clock.Now;
                            }

                            if (!ShouldCommit(plan.Streaming, request.HeldChars, request.FirstUpdateAt))
                            {
                                continue;
                            }

                            request.Committed = true;
                            foreach (var held in request.Held)
                            {
                                request.Track(held, plan.KeepsCommittedText);
                                yield return held;
                            }

                            request.Held.Clear();
                            continue;
                        }

                        request.Track(update, plan.KeepsCommittedText);
                        yield return update;
                    }
                }
                finally
                {
                    request.TimedOut = timer.TimedOut;
                    request.Deadline = timer.Deadline;
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
                }

                // A content-filter stop is a refusal: with OnContentPolicy = FailOver, and while the caller has seen
                // nothing of it, it fails over like a refusal by error status.
                var refused = request.Finished && request.CommittedChars == 0 && request.Rescuable && IsFilteredForFailover(request.FinishReason, plan);

                // A finish reason makes the answer complete, whatever follows: a missing [DONE], a reset, or a stall
                // past the completion grace period.
                if (request.Finished && !refused && (request.Ended || error is not null) && !cancellationToken.IsCancellationRequested)
                {
                    // Settled before the last updates are handed over: a caller that stops reading at the final update
                    // leaves nothing unsettled.
                    RecordUsage(provider, FindUsage(request.Last), request.AttemptActivity);
                    var info = SettleSuccess(request, provider, request.Last?.ModelId ?? provider.Model, request.Rescued);
                    if (request.Held is { Count: > 0 } rest)
                    {
                        foreach (var held in rest)
                        {
                            yield return held;
                        }

                        rest.Clear();
                    }

                    // No message id or role: ToChatResponse then files the properties on the response itself.
                    yield return new ChatResponseUpdate
                    {
                        ModelId = info.ModelId,
                        ResponseId = request.Last?.ResponseId,
                        AdditionalProperties = new() { [LlmCallInfo.AdditionalPropertiesKey] = info },
                    };
                    yield break;
                }

                if (cancellationToken.IsCancellationRequested)
                {
                    SettleCancelled(request, provider, error, cancellationToken);
                }

                var failure = AttemptFailure(request, provider, error, refused);
                NoteFirstTokenTimeout(plan, provider, failure, request.ProviderIndex);

                // Nothing held back ever reaches the caller: the next attempt starts clean.
                request.Held?.Clear();
                var end = _clock.Now;
                var committed = request.OutputCommitted;
                var (decision, delay, verdict) = Decide(request, provider, failure, end, canRetry: !committed || provider.Capabilities.PrefillContinuation);
                if (committed)
                {
                    if (decision == LlmAttemptDecision.Surfaced || plan.Streaming.Rescue != StreamRescueMode.Continue || !request.Rescuable)
                    {
                        Settle(request, provider, failure, LlmAttemptDecision.Surfaced, verdict, end);
                        Log.StreamPartial(_logger, provider.Name, request.CommittedChars, failure);
                        throw Failed(callActivity, Partial(request));
                    }

                    decision = decision == LlmAttemptDecision.Retried ? decision : LlmAttemptDecision.Rescued;
                }

                var failedAttempt = Settle(request, provider, failure, decision, verdict, end);
                if (decision == LlmAttemptDecision.Surfaced)
                {
                    RecordRequestMetrics(null, request.FallbackReason is not null, success: false);
                    throw Failed(callActivity, new LlmProviderException(failure, provider.Name, request.Attempts));
                }

                var next = await NextAsync(request, provider, decision, delay, end, requirePrefill: request.CommittedChars > 0, cancellationToken).ConfigureAwait(false);
                if (next is null)
                {
                    if (request.CommittedChars > 0)
                    {
                        // Nobody could continue the answer: the attempt was not rescued after all, its failure surfaces.
                        failedAttempt.Decision = LlmAttemptDecision.Surfaced;
                        Log.StreamPartial(_logger, provider.Name, request.CommittedChars, failure);
                        throw Failed(callActivity, Partial(request));
                    }

                    throw Failed(callActivity, Exhausted(request));
                }

                if (request.CommittedChars > 0)
                {
                    request.Rescued = true;
                    if (!ReferenceEquals(next, provider))
                    {
                        Log.StreamRescued(_logger, provider.Name, request.CommittedChars, failure, next.Name);
                        if (LlmFallbackDiagnostics.StreamRescues.Enabled)
                        {
                            LlmFallbackDiagnostics.StreamRescues.Add(1, new KeyValuePair<string, object?>(LlmFallbackDiagnostics.ProviderTag, provider.Name));
                        }
                    }
                }

                provider = next;
            }
        }
        finally
        {
            Abandon(request);
        }
    }

    /// <summary>The one classification of a streaming attempt that did not complete.</summary>
    private static LlmFailure AttemptFailure(StreamRequest request, LlmProvider provider, Exception? error, bool refused) =>
        refused ? new LlmFailure(LlmFailureKind.ContentPolicy, errorCode: "content_filter")
        : error is null ? new LlmFailure(LlmFailureKind.Transport, errorCode: "stream_incomplete")
        : request.TimedOut ? new LlmFailure(LlmFailureKind.Timeout, errorCode: request.Deadline == AttemptDeadline.FirstToken ? "first_token_timeout" : "idle_timeout", exception: LlmSecrets.ScrubIfNeeded(error))
        : provider.Classify(error);
}
