using System.Text.Json;
using Microsoft.Extensions.AI;

namespace LlmFallback.Gemini;

public sealed partial class GeminiChatClient
{
    /// <summary>
    /// Prepares the history for Gemini (other providers' signatures and reasoning left out, placeholders on unsigned
    /// calls), builds the body, and logs once per provider the options Gemini has no field for. What fails while the
    /// body is written (JSON from the caller that escapes an unpaired surrogate, in a tool schema or in tool-call
    /// arguments) is an <see cref="ArgumentException"/>: nothing was sent, so it cannot be the provider's failure.
    /// </summary>
    private HttpRequestMessage CreateRequest(Uri uri, string model, IEnumerable<ChatMessage> messages, ChatOptions? options, out bool hasFileData)
    {
        var prepared = LlmPortability.Prepare(messages, Portability, _portability);
        GenerateContentRequest body;
        GeminiUnmapped unmapped;
        byte[] bytes;
        try
        {
            body = GeminiRequestBuilder.Build(prepared, options, model, _safetySettings, out unmapped);
            bytes = JsonSerializer.SerializeToUtf8Bytes(body, GeminiJsonContext.Default.GenerateContentRequest);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException and not ObjectDisposedException)
        {
            throw new ArgumentException(
                $"The Gemini adapter could not write the request for provider '{_provider}' from the given messages or options ({ex.GetType().FullName}); nothing was sent.",
                LlmSecrets.Sanitize(ex, null, _provider, _apiKey));
        }

        hasFileData = body.HasFileData;
        if (unmapped != GeminiUnmapped.None)
        {
            LogUnmappedOnce(unmapped, options!, model);
        }

        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = JsonMediaType;
        var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = content };
        request.Headers.TryAddWithoutValidation(ApiKeyHeader, _apiKey);
        return request;
    }

    private void LogUnmappedOnce(GeminiUnmapped unmapped, ChatOptions options, string model)
    {
        var fresh = (GeminiUnmapped)((int)unmapped & ~Volatile.Read(ref _loggedUnmapped));
        if (fresh == GeminiUnmapped.None)
        {
            return;
        }

        // Only the request that first sets a flag logs it.
        var before = (GeminiUnmapped)Interlocked.Or(ref _loggedUnmapped, (int)fresh);
        fresh &= ~before;
        if (fresh != GeminiUnmapped.None)
        {
            Log.OptionsNotMapped(_logger, _provider, GeminiUnmappedNames.Describe(fresh, options, model));
        }
    }

    private async Task<LlmProviderException> FailAsync(HttpResponseMessage response, string model, bool hasFileData, CancellationToken cancellationToken)
    {
        var exception = await GeminiErrors.FromResponseAsync(response, _provider, _apiKey, _timeProvider, hasFileData, cancellationToken).ConfigureAwait(false);
        Log.CallFailed(_logger, _provider, model, exception.Failure);
        return exception;
    }
}
