using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace LlmFallback.Gemini;

public sealed partial class GeminiChatClient
{
    /// <summary>
    /// Streams <c>streamGenerateContent?alt=sse</c>. Each SSE event is a whole <c>GenerateContentResponse</c> chunk.
    /// Gemini sends no terminal event: the chunk carrying <c>finishReason</c> ends the answer, and only it yields an
    /// update with <see cref="ChatResponseUpdate.FinishReason"/> (and the usage). A stream that ends without one ends
    /// without a finish reason, which the fallback stage treats as a failure. An error written into the open stream,
    /// as an <c>{"error": …}</c> event or as raw JSON lines, throws the classified error.
    /// </summary>
    private async IAsyncEnumerable<ChatResponseUpdate> StreamAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (uri, model) = Target(options, stream: true);
        using var request = CreateRequest(uri, model, messages, options, out var hasFileData);
        using var response = await _httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw await FailAsync(response, model, hasFileData, cancellationToken).ConfigureAwait(false);
        }

        if (LlmFailureClassifier.CheckStreamContentType(response.Content.Headers.ContentType?.ToString(), (int)response.StatusCode, _provider) is { } offFormat)
        {
            Log.CallFailed(_logger, _provider, model, offFormat.Failure);
            throw offFormat;
        }

        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using var _ = stream.ConfigureAwait(false);
        var createdAt = _timeProvider.GetUtcNow();
        var hasFunctionCalls = false;
        var chunks = GeminiStreamReader.ReadAsync(stream, _provider, _apiKey, cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using var __ = chunks.ConfigureAwait(false);
        while (true)
        {
            try
            {
                if (!await chunks.MoveNextAsync().ConfigureAwait(false))
                {
                    yield break;
                }
            }
            catch (LlmProviderException exception)
            {
                Log.CallFailed(_logger, _provider, model, exception.Failure);
                throw;
            }

            var chunk = chunks.Current;
            if (chunk.Error is { } error)
            {
                var exception = GeminiErrors.Create(error.Code, error, null, _provider, _apiKey, hasFileData);
                Log.CallFailed(_logger, _provider, model, exception.Failure);
                throw exception;
            }

            if (chunk.PromptFeedback?.BlockReason is { Length: > 0 } blockReason)
            {
                throw Blocked(blockReason, model);
            }

            var candidate = chunk.Candidates is { Count: > 0 } candidates ? candidates[0] : null;
            var finishReason = candidate?.FinishReason;
            if (GeminiContentMapper.IsContentFilter(finishReason) && _options.ThrowOnContentFilter)
            {
                throw Blocked(finishReason!, model);
            }

            var parts = candidate?.Content?.Parts;
            var update = new ChatResponseUpdate(ChatRole.Assistant, new List<AIContent>(parts?.Count ?? 1))
            {
                ResponseId = chunk.ResponseId,
                MessageId = chunk.ResponseId,
                ModelId = chunk.ModelVersion ?? model,
                CreatedAt = createdAt,
            };

            GeminiContentMapper.AddContents(parts, update.Contents, streamed: true);
            hasFunctionCalls |= GeminiContentMapper.HasFunctionCall(parts);
            if (string.IsNullOrEmpty(finishReason))
            {
                if (update.Contents.Count > 0)
                {
                    yield return update;
                }

                continue;
            }

            // The end of the answer: its usage (cumulative in every chunk, so read only here) and its finish reason.
            update.FinishReason = GeminiContentMapper.ToFinishReason(finishReason, hasFunctionCalls);
            if (GeminiContentMapper.ToUsage(chunk.UsageMetadata) is { } usage)
            {
                update.Contents.Add(new UsageContent(usage));
            }

            yield return update;
            yield break;
        }
    }
}
