using Microsoft.Extensions.AI;

namespace LlmFallback;

/// <summary>
/// Rejects requests that break the limits of <see cref="InputValidationOptions"/> (message count, characters and tokens
/// per message and in total, roles, empty or control-character content, attachment sizes) with an
/// <see cref="InputValidationException"/> naming the limit and the value, before anything else runs. Each rejection
/// is written to the <see cref="IAuditSink"/> as <see cref="LlmAuditEventKind.InputRejected"/>.
/// </summary>
public sealed class InputValidationChatClient : DelegatingChatClient
{
    private const string Stage = "input_validation";
    private const string Feature = "InputValidation";

    private readonly InputValidationOptions _options;
    private readonly IAuditSink? _audit;
    private readonly TimeProvider _timeProvider;
    private readonly string _prefix;

    /// <summary>Initializes a new instance of the <see cref="InputValidationChatClient"/> class.</summary>
    /// <param name="innerClient">The client requests go to when they pass.</param>
    /// <param name="options">The limits; <see langword="null"/> for the defaults.</param>
    /// <param name="auditSink">Where rejections are recorded; <see langword="null"/> records nothing.</param>
    /// <param name="timeProvider">The clock for audit timestamps; <see langword="null"/> for the system clock.</param>
    /// <exception cref="ArgumentException"><paramref name="options"/> holds an invalid value.</exception>
    public InputValidationChatClient(IChatClient innerClient, InputValidationOptions? options = null, IAuditSink? auditSink = null, TimeProvider? timeProvider = null)
        : this(innerClient, options, auditSink, timeProvider, "Llm:" + Feature)
    {
    }

    internal InputValidationChatClient(IChatClient innerClient, InputValidationOptions? options, IAuditSink? auditSink, TimeProvider? timeProvider, string prefix)
        : base(innerClient)
    {
        _options = options ?? new InputValidationOptions();
        StageOptions.ThrowIfInvalid(_options, Feature, InputValidationOptions.Validate, nameof(options));
        _audit = auditSink;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _prefix = prefix;
    }

    /// <inheritdoc/>
    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return InputValidator.Check(messages, options, _options, _prefix) is { } error
            ? RejectAsync<ChatResponse>(error, options)
            : base.GetResponseAsync(messages, options, cancellationToken);
    }

    /// <inheritdoc/>
    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return InputValidator.Check(messages, options, _options, _prefix) is { } error
            ? RejectStream(error, options)
            : base.GetStreamingResponseAsync(messages, options, cancellationToken);
    }

    private async Task<T> RejectAsync<T>(InputValidationException error, ChatOptions? options)
    {
        await Auditing.WriteAsync(_audit, _timeProvider, LlmAuditEventKind.InputRejected, Stage, options, LlmContentSide.Input, "reject", error.Limit, null).ConfigureAwait(false);
        throw error;
    }

    private async IAsyncEnumerable<ChatResponseUpdate> RejectStream(InputValidationException error, ChatOptions? options)
    {
        await RejectAsync<bool>(error, options).ConfigureAwait(false);
        yield break;
    }
}
