using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using OpenAIChat = OpenAI.Chat;

namespace LlmFallback.OpenAI;

/// <summary>
/// What the adapter adds around the SDK's <see cref="IChatClient"/>: the history prepared for Chat Completions
/// (<see cref="LlmPortability"/>: other providers' reasoning left out, call ids of at most 40 characters, tool-result
/// media moved to a user message), its own output marked as OpenAI's, prefill-continuation request fields; errors that
/// a server sends inside an open stream (<c>data: {"error":{...}}</c>), which the SDK would pass on as an empty update,
/// thrown as a classified <see cref="LlmProviderException"/>; and the SDK's own exceptions, which carry the response
/// body and headers (where a server may echo the key), surfaced as classified <see cref="LlmProviderException"/>s over
/// a scrubbed copy (<see cref="LlmSecrets.Sanitize"/>).
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
    private readonly OpenAIFailureClassifier _classifier;

    // What the requests carry that no surfaced error may repeat: the key and the values of configured headers.
    private readonly string?[] _secrets;
    private readonly LlmPortabilityOptions? _portability;

    public OpenAIAdapterChatClient(IChatClient innerClient, string provider, OpenAIPrefillMode prefillMode, OpenAIFailureClassifier classifier, string?[] secrets, LlmPortabilityOptions? portability = null)
        : base(innerClient)
    {
        _provider = provider;
        _prefillMode = prefillMode;
        _classifier = classifier;
        _secrets = secrets;
        _portability = portability;
    }

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        messages = LlmPortability.Prepare(messages, Portability, _portability);
        OpenAIPrefill.TryPrepare(_prefillMode, ref messages, ref options);
        var mark = OpenAIRequestMark.Begin();
        ChatResponse response;
        try
        {
            response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Surfaces(mark, ex, out var safe))
        {
            throw safe;
        }

        LlmContentOrigin.Record(response, LlmProviderFamily.OpenAI);
        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        messages = LlmPortability.Prepare(messages, Portability, _portability);
        OpenAIPrefill.TryPrepare(_prefillMode, ref messages, ref options);
        var mark = OpenAIRequestMark.Begin();
        IAsyncEnumerator<ChatResponseUpdate> updates;
        try
        {
            // The SDK converts the options here, before the first update is asked for.
            updates = base.GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        }
        catch (Exception ex) when (Surfaces(mark, ex, out var safe))
        {
            throw safe;
        }

        await using (updates.ConfigureAwait(false))
        {
            while (true)
            {
                try
                {
                    if (!await updates.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }
                }
                catch (Exception ex) when (Surfaces(mark, ex, out var safe))
                {
                    throw safe;
                }

                // An error event has no choices, so only an update without contents can be one.
                var update = updates.Current;
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
    }

    /// <summary>
    /// Whether <paramref name="exception"/> must be surfaced as <paramref name="safe"/> instead of as it is. One thrown
    /// before the request was sent (<paramref name="mark"/>) came from writing it out of the caller's messages and
    /// options: an <see cref="ArgumentException"/>, the caller's mistake, never the provider's.
    /// </summary>
    private bool Surfaces(OpenAIRequestMark mark, Exception exception, out Exception safe)
    {
        safe = LlmSecrets.Sanitize(exception, _classifier, _provider, _secrets);
        if (!mark.Sent && exception is not (OperationCanceledException or ArgumentException or NotSupportedException or ObjectDisposedException or LlmException))
        {
            safe = new ArgumentException(
                $"The OpenAI SDK could not write the request for provider '{_provider}' from the given messages or options ({exception.GetType().FullName}); nothing was sent.",
                safe);
        }

        return !ReferenceEquals(safe, exception);
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
