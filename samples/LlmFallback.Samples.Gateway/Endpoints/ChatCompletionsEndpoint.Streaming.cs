using LlmFallback.Samples.Gateway.Hosting;
using LlmFallback.Samples.Gateway.Mapping;
using LlmFallback.Samples.Gateway.Wire;

namespace LlmFallback.Samples.Gateway.Endpoints;

internal sealed partial class ChatCompletionsEndpoint
{
    /// <summary>
    /// Streams the answer as server-sent events. The response starts only once the pipeline produced its first update,
    /// so everything that fails before (validation, limits, every provider down) is a plain HTTP error with its status.
    /// A failure after that is an <c>event: error</c> carrying OpenAI's error object, and the stream ends without
    /// <c>[DONE]</c>, so no client can take a cut answer for a whole one.
    /// </summary>
    private async Task StreamAsync(HttpContext context, List<ChatMessage> messages, ChatOptions chatOptions, Call call)
    {
        var aborted = context.RequestAborted;
        var updates = chat.GetStreamingResponseAsync(messages, chatOptions, aborted).GetAsyncEnumerator(aborted);
        await using (updates.ConfigureAwait(false))
        {
            bool more;
            try
            {
                more = await updates.MoveNextAsync().ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (aborted.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                await FailAsync(context, e).ConfigureAwait(false);
                return;
            }

            using var sse = new SseWriter(context.Response);
            var state = new StreamState(call);
            try
            {
                await sse.StartAsync(aborted).ConfigureAwait(false);
                state.Observe(updates.Current);
                await sse.WriteChunkAsync(state.Chunk(new WireAnswer { Role = "assistant", Content = string.Empty }), aborted).ConfigureAwait(false);
                while (more)
                {
                    if (state.Add(updates.Current) is { } chunk)
                    {
                        await sse.WriteChunkAsync(chunk, aborted).ConfigureAwait(false);
                    }

                    more = await updates.MoveNextAsync().ConfigureAwait(false);
                }

                await sse.WriteChunkAsync(state.Finish(_exposeCallInfo), aborted).ConfigureAwait(false);
                if (call.IncludeUsage)
                {
                    await sse.WriteChunkAsync(state.UsageChunk(), aborted).ConfigureAwait(false);
                }

                await sse.WriteDoneAsync(aborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (aborted.IsCancellationRequested)
            {
                // The client went away; the pipeline's calls were cancelled with it.
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                var error = ErrorMapper.Map(e);
                GatewayLog.StreamFailed(logger, error.Code, e.GetType().Name);
                await sse.WriteErrorAsync(error, aborted).ConfigureAwait(false);
            }
        }
    }

    /// <summary>What a stream has produced so far: the next tool call index, usage, finish reason and who answered.</summary>
    private sealed class StreamState(Call call)
    {
        private string _model = call.Model;
        private int _toolCalls;
        private UsageDetails? _usage;
        private ChatFinishReason? _finish;
        private LlmCallInfo? _info;

        /// <summary>The chunk for one update, or <see langword="null"/> when it carries nothing to send (usage, the call info, an empty delta).</summary>
        /// <summary>Takes the answering model from the first update, so every chunk, the role chunk included, names it.</summary>
        public void Observe(ChatResponseUpdate update) => _model = update.ModelId ?? _model;

        public ChatCompletionChunk? Add(ChatResponseUpdate update)
        {
            _model = update.ModelId ?? _model;
            _finish = update.FinishReason ?? _finish;
            _info = update.GetLlmCallInfo() ?? _info;
            string? text = null;
            List<WireToolCall>? calls = null;
            foreach (var content in update.Contents)
            {
                switch (content)
                {
                    case TextContent t when t.Text.Length > 0:
                        text = text is null ? t.Text : text + t.Text;
                        break;
                    case FunctionCallContent f:
                        (calls ??= []).Add(ResponseMapper.ToolCall(f, _toolCalls++));
                        break;
                    case UsageContent u:
                        (_usage ??= new UsageDetails()).Add(u.Details);
                        break;
                }
            }

            return text is null && calls is null ? null : Chunk(new WireAnswer { Content = text, ToolCalls = calls });
        }

        /// <summary>The last chunk with choices: an empty delta, the finish reason, and (when exposed) who answered.</summary>
        public ChatCompletionChunk Finish(bool exposeCallInfo)
        {
            var chunk = Chunk(new WireAnswer());
            chunk.Choices[0].FinishReason = ResponseMapper.FinishReason(_finish, _toolCalls > 0);
            chunk.CallInfo = exposeCallInfo ? CallInfoMapper.ToWire(_info) : null;
            return chunk;
        }

        /// <summary>The chunk <c>stream_options.include_usage</c> asks for: no choices, the usage of the whole answer.</summary>
        public ChatCompletionChunk UsageChunk() => new()
        {
            Id = call.Id,
            Created = call.Created,
            Model = _model,
            Choices = [],
            Usage = ResponseMapper.Usage(_usage) ?? new WireUsage(),
        };

        public ChatCompletionChunk Chunk(WireAnswer delta) => new()
        {
            Id = call.Id,
            Created = call.Created,
            Model = _model,
            Choices = [new WireChunkChoice { Delta = delta }],
        };
    }
}
