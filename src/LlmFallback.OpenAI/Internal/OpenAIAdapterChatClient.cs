using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using OpenAIChat = OpenAI.Chat;

namespace LlmFallback.OpenAI;

/// <summary>
/// What the adapter adds around the SDK's <see cref="IChatClient"/>: prefill-continuation request fields, and errors
/// that a server sends inside an open stream (<c>data: {"error":{...}}</c>), which the SDK would pass on as an empty
/// update, thrown as a classified <see cref="LlmProviderException"/>.
/// </summary>
internal sealed class OpenAIAdapterChatClient : DelegatingChatClient
{
    private readonly string _provider;
    private readonly OpenAIPrefillMode _prefillMode;

    public OpenAIAdapterChatClient(IChatClient innerClient, string provider, OpenAIPrefillMode prefillMode)
        : base(innerClient)
    {
        _provider = provider;
        _prefillMode = prefillMode;
    }

    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        OpenAIPrefill.TryPrepare(_prefillMode, ref messages, ref options);
        return base.GetResponseAsync(messages, options, cancellationToken);
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        OpenAIPrefill.TryPrepare(_prefillMode, ref messages, ref options);
        await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            // An error event has no choices, so only an update without contents can be one.
            if (update.Contents.Count == 0
                && update.RawRepresentation is OpenAIChat.StreamingChatCompletionUpdate raw
                && raw.Patch.TryGetJson("$.error"u8, out var error))
            {
                throw StreamError(error);
            }

            yield return update;
        }
    }

    private LlmProviderException StreamError(ReadOnlyMemory<byte> error)
    {
        var body = OpenAIErrorBody.Parse(new BinaryData(error));
        var kind = LlmFailureClassifier.KindFromErrorCode(body.Code)
            ?? LlmFailureClassifier.KindFromText(body.Message)
            ?? (body.Status is >= 400 and < 600 ? LlmFailureClassifier.KindFromStatus(body.Status.Value) : LlmFailureKind.ServerError);
        TimeSpan? retryAfter = kind == LlmFailureKind.RateLimited && RetryHint.TryParse(body.Message, out var hinted) ? hinted : null;
        return new LlmProviderException(kind, _provider, body.Status, retryAfter, body.Code);
    }
}
