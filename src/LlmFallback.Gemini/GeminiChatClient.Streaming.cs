using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace LlmFallback.Gemini;

public sealed partial class GeminiChatClient
{
    /// <summary>
    /// Streams <c>streamGenerateContent?alt=sse</c>. Each SSE event is a whole <c>GenerateContentResponse</c> chunk.
    /// Gemini sends no terminal event: the chunk carrying <c>finishReason</c> ends the answer, and only it yields an
    /// update with <see cref="ChatResponseUpdate.FinishReason"/> (and the usage). A stream that ends without one ends
    /// without a finish reason, which the fallback stage treats as a failure.
    /// </summary>
    private async IAsyncEnumerable<ChatResponseUpdate> StreamAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (uri, model) = Target(options, stream: true);
        using var request = CreateRequest(uri, messages, options);
        using var response = await _httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw await FailAsync(response, model, cancellationToken).ConfigureAwait(false);
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
        await foreach (var item in SseParser.Create(stream, ParseChunk).EnumerateAsync(cancellationToken).ConfigureAwait(false))
        {
            if (item.Data is not { } chunk)
            {
                continue;
            }

            if (chunk.Error is { } error)
            {
                var exception = GeminiErrors.Create(error.Code, error, null, _provider, _apiKey);
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

            GeminiContentMapper.AddContents(parts, update.Contents);
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

    private static GenerateContentResponse? ParseChunk(string eventType, ReadOnlySpan<byte> data)
    {
        // Keep-alive or empty events carry nothing; anything else must be a whole JSON chunk, or the stream is malformed.
        var trimmed = data.Trim(" \t\r\n"u8);
        return trimmed.IsEmpty ? null : JsonSerializer.Deserialize(trimmed, GeminiJsonContext.Default.GenerateContentResponse)
            ?? throw new JsonException("A Gemini stream event held JSON null.");
    }
}
