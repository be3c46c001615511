using System.Runtime.CompilerServices;
using Anthropic;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmFallback.Anthropic;

/// <summary>
/// The client a configured Anthropic provider exposes: the SDK's <see cref="IChatClient"/>, plus what the fallback
/// needs from it: the history prepared for the Messages API (<see cref="LlmPortability"/>: only Anthropic's signed
/// thinking kept, tool-use ids matching <c>^[a-zA-Z0-9_-]+$</c>; <see cref="AnthropicThinkingGuard"/>), its own output
/// marked as Anthropic's, prefill continuation that survives the API's whitespace rule, and the SDK's exceptions (which
/// carry the response body, where a server may echo the key) surfaced as <see cref="LlmProviderException"/>s classified
/// by <see cref="AnthropicFailureClassifier"/>, with the response's <c>retry-after</c>, over a scrubbed copy
/// (<see cref="LlmSecrets.Sanitize"/>). Owns (and disposes) the SDK client.
/// </summary>
/// <remarks>
/// Completion is the SDK's: it sets <see cref="ChatResponseUpdate.FinishReason"/> only from <c>message_delta</c>'s
/// <c>stop_reason</c>, so a stream cut before that event ends without a finish reason and the fallback treats it as
/// a failure, never as a complete answer.
/// </remarks>
internal sealed class AnthropicProviderChatClient : DelegatingChatClient
{
    /// <summary>What the Messages API accepts: its own signed thinking only, tool-use ids of letters, digits, <c>_</c> and <c>-</c>.</summary>
    internal static readonly LlmPortabilityTarget Portability = new(LlmProviderFamily.Anthropic)
    {
        ToolCallIdsLettersDigitsUnderscoreHyphen = true,
        ReasoningRequiresSignature = true,
    };

    private readonly AnthropicClient _client;
    private readonly string _provider;
    private readonly string _apiKey;
    private readonly LlmPortabilityOptions? _portability;
    private readonly ILogger _logger;
    private int _thinkingGuardLogged;

    public AnthropicProviderChatClient(IChatClient inner, AnthropicClient client, string provider, string apiKey, LlmPortabilityOptions? portability = null, ILogger? logger = null)
        : base(inner)
    {
        _client = client;
        _provider = provider;
        _apiKey = apiKey;
        _portability = portability;
        _logger = logger ?? NullLogger.Instance;
    }

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var request = Prepare(messages, ref options, out var trimmed);
        var scope = AnthropicCallScope.Begin(streaming: false);
        ChatResponse response;
        try
        {
            response = await base.GetResponseAsync(request, options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Surfaces(scope, ex, out var safe))
        {
            throw safe;
        }

        if (trimmed is not null)
        {
            var echo = new PrefillEcho(trimmed);
            foreach (var message in response.Messages)
            {
                echo.Strip(message.Contents);
            }
        }

        LlmContentOrigin.Record(response, LlmProviderFamily.Anthropic);
        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var request = Prepare(messages, ref options, out var trimmed);
        var echo = trimmed is null ? null : new PrefillEcho(trimmed);
        var scope = AnthropicCallScope.Begin(streaming: true);
        IAsyncEnumerator<ChatResponseUpdate> updates;
        try
        {
            updates = base.GetStreamingResponseAsync(request, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        }
        catch (Exception ex) when (Surfaces(scope, ex, out var safe))
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
                catch (Exception ex) when (Surfaces(scope, ex, out var safe))
                {
                    throw safe;
                }

                var update = updates.Current;
                echo?.Strip(update.Contents);
                LlmContentOrigin.Record(update, LlmProviderFamily.Anthropic);
                yield return update;
            }
        }
    }

    /// <summary>
    /// Whether <paramref name="exception"/> must be surfaced as <paramref name="safe"/> instead of as it is. One thrown
    /// before the request was sent (<see cref="AnthropicCallScope.Sent"/>) came from writing it out of the caller's
    /// messages and options: an <see cref="ArgumentException"/>, the caller's mistake, never the provider's.
    /// </summary>
    private bool Surfaces(AnthropicCallScope scope, Exception exception, out Exception safe)
    {
        scope.Annotate(exception);
        safe = LlmSecrets.Sanitize(exception, AnthropicFailureClassifier.Instance, _provider, _apiKey);
        if (!scope.Sent && exception is not (OperationCanceledException or ArgumentException or NotSupportedException or ObjectDisposedException or LlmException))
        {
            safe = new ArgumentException(
                $"The Anthropic SDK could not write the request for provider '{_provider}' from the given messages or options ({exception.GetType().FullName}); nothing was sent.",
                safe);
        }

        return !ReferenceEquals(safe, exception);
    }

    private IList<ChatMessage> Prepare(IEnumerable<ChatMessage> messages, ref ChatOptions? options, out string? trimmed)
    {
        var request = AnthropicPrefill.TrimTrailingWhitespace(LlmPortability.Prepare(messages, Portability, _portability), out trimmed);
        options = AnthropicThinkingGuard.Apply(request, options, out var turnedOff);
        if (turnedOff && Interlocked.Exchange(ref _thinkingGuardLogged, 1) == 0)
        {
            Log.ThinkingTurnedOff(_logger, _provider);
        }

        return request;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _client.Dispose();
        }

        base.Dispose(disposing);
    }
}
