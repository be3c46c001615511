using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using OpenAIChat = OpenAI.Chat;

namespace LlmFallback.OpenAI;

/// <summary>
/// What the adapter adds around the SDK's <see cref="IChatClient"/>: the history prepared for Chat Completions
/// (<see cref="LlmPortability"/>: other providers' reasoning left out, call ids of at most 40 characters, tool-result
/// media moved to a user message), its own output marked as OpenAI's, prefill-continuation request fields, and errors
/// that a server sends inside an open stream (<c>data: {"error":{...}}</c>), which the SDK would pass on as an empty
/// update, thrown as a classified <see cref="LlmProviderException"/>.
/// </summary>
internal sealed class OpenAIAdapterChatClient : DelegatingChatClient
{
    /// <summary>What Chat Completions accepts: call ids of at most 40 characters, text-only tool results, no foreign reasoning.</summary>
    internal static readonly LlmPortabilityTarget Portability = new(LlmProviderFamily.OpenAI)
    {
        MaxToolCallIdLength = 40,
        ToolResultMediaInUserMessage = true,
    };

    private readonly string _provider;
    private readonly OpenAIPrefillMode _prefillMode;
    private readonly LlmPortabilityOptions? _portability;

    public OpenAIAdapterChatClient(IChatClient innerClient, string provider, OpenAIPrefillMode prefillMode, LlmPortabilityOptions? portability = null)
        : base(innerClient)
    {
        _provider = provider;
        _prefillMode = prefillMode;
        _portability = portability;
    }

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        messages = LlmPortability.Prepare(messages, Portability, _portability);
        OpenAIPrefill.TryPrepare(_prefillMode, ref messages, ref options);
        var response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        LlmContentOrigin.Record(response, LlmProviderFamily.OpenAI);
        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        messages = LlmPortability.Prepare(messages, Portability, _portability);
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

            LlmContentOrigin.Record(update, LlmProviderFamily.OpenAI);
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
