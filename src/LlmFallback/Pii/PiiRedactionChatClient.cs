using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmFallback;

/// <summary>
/// Finds personal data in every request (and, by configuration, in answers) and applies the action of its type:
/// reject, redact, mask, pseudonymise (restored in the answer, also across stream chunks) or warn. Counts by type,
/// never values, go to the response's <see cref="LlmSafetyReport"/>, the log and the <see cref="IAuditSink"/>.
/// </summary>
/// <remarks>
/// Text, tool results and tool-call arguments of every message are checked. Pseudonyms are numbered per request in
/// order of first appearance; a conversation whose history is sent again in order (answers restored) keeps its numbers.
/// A request without personal data is passed on as it is: nothing is copied or allocated.
/// </remarks>
public sealed partial class PiiRedactionChatClient : DelegatingChatClient
{
    private const string Stage = "pii";
    private const string Feature = "Pii";

    private readonly PiiDetector _detector;
    private readonly PiiRedactionOptions _options;
    private readonly IAuditSink? _audit;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly PseudonymConversations? _conversations;

    /// <summary>Initializes a new instance of the <see cref="PiiRedactionChatClient"/> class.</summary>
    /// <param name="innerClient">The client requests go to.</param>
    /// <param name="options">The actions; <see langword="null"/> for the defaults (redact everything found).</param>
    /// <param name="detector">The detector; <see langword="null"/> builds one from <see cref="PiiRedactionOptions.Detection"/>.</param>
    /// <param name="auditSink">Where findings are recorded; <see langword="null"/> records nothing.</param>
    /// <param name="timeProvider">The clock for audit timestamps; <see langword="null"/> for the system clock.</param>
    /// <param name="loggerFactory">The logger factory; <see langword="null"/> logs nothing.</param>
    /// <exception cref="ArgumentException"><paramref name="options"/> holds an invalid value.</exception>
    public PiiRedactionChatClient(
        IChatClient innerClient,
        PiiRedactionOptions? options = null,
        PiiDetector? detector = null,
        IAuditSink? auditSink = null,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null)
        : base(innerClient)
    {
        _options = options ?? new PiiRedactionOptions();
        StageOptions.ThrowIfInvalid(_options, Feature, PiiRedactionOptions.Validate, nameof(options));
        _detector = detector ?? new PiiDetector(_options.Detection);
        _audit = auditSink;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("LlmFallback.Pii");
        _conversations = _options.ConversationLifetime > TimeSpan.Zero ? new PseudonymConversations(_timeProvider, _options.ConversationLifetime, _options.MaxConversations) : null;
    }

    /// <inheritdoc/>
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        messages = LlmMessages.Validate(messages);
        var redacted = RewriteInput(messages, options, out var state);
        if (state is { Counts.Count: > 0 })
        {
            await ReportAsync(state, LlmContentSide.Input, options).ConfigureAwait(false);
        }

        var response = await base.GetResponseAsync(redacted, options, cancellationToken).ConfigureAwait(false);
        if (state?.Map is { Count: > 0 } || _options.ApplyToOutput)
        {
            state = RewriteOutput(response, state);
            if (state is not null && HasSide(state, LlmContentSide.Output))
            {
                await ReportAsync(state, LlmContentSide.Output, options).ConfigureAwait(false);
            }
        }

        Remember(options?.ConversationId ?? response.ConversationId, state);
        if (state is { Counts.Count: > 0 })
        {
            var report = response.GetOrAddSafetyReport();
            foreach (var ((type, action, side), count) in state.Counts)
            {
                report.AddPii(type, action, side, count);
            }
        }

        return response;
    }

    /// <inheritdoc/>
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType == typeof(PiiDetector) ? _detector : base.GetService(serviceType, serviceKey);
    }

    /// <summary>Restores pseudonyms in the answer and, when configured, applies the actions to new values; throws on a rejected type.</summary>
    private PiiRequestState? RewriteOutput(ChatResponse response, PiiRequestState? state)
    {
        foreach (var message in response.Messages)
        {
            var contents = message.Contents;
            List<AIContent>? changed = null;
            for (var i = 0; i < contents.Count; i++)
            {
                var content = contents[i];
                var result = RewriteContent(content, LlmContentSide.Output, ref state);
                if (changed is null && !ReferenceEquals(result, content))
                {
                    changed = [.. contents];
                }

                if (changed is not null)
                {
                    changed[i] = result;
                }
            }

            if (changed is not null)
            {
                // A new list: the adapter's may be read-only.
                message.Contents = changed;
            }
        }

        return state;
    }

    /// <summary>Keeps a server-side conversation's pseudonyms for its next call.</summary>
    private void Remember(string? conversationId, PiiRequestState? state)
    {
        if (_conversations is not null && conversationId is { Length: > 0 } && state?.Map is { Count: > 0 } map)
        {
            _conversations.Put(conversationId, map);
        }
    }

    private static bool HasSide(PiiRequestState state, LlmContentSide side)
    {
        foreach (var key in state.Counts.Keys)
        {
            if (key.Side == side)
            {
                return true;
            }
        }

        return false;
    }
}
