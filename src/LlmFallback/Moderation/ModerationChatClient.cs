using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmFallback;

/// <summary>
/// Checks the request before the call and the answer after it (a stream in windows as it arrives) with an
/// <see cref="IModerationService"/>, and applies <see cref="ModerationOptions"/>' action per category: block (a
/// <see cref="ModerationException"/> naming the categories and the side), flag (annotate, log, audit) or log only.
/// A failing or slow service never hangs a call: after <see cref="ModerationOptions.Timeout"/> it fails open or closed.
/// </summary>
public sealed partial class ModerationChatClient : DelegatingChatClient
{
    private const string Stage = "moderation";
    private const string Feature = "Moderation";

    private readonly IModerationService _service;
    private readonly ModerationOptions _options;
    private readonly IAuditSink? _audit;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly bool _synchronousService;

    /// <summary>Initializes a new instance of the <see cref="ModerationChatClient"/> class.</summary>
    /// <param name="innerClient">The client calls go to.</param>
    /// <param name="service">The moderation service.</param>
    /// <param name="options">How to check; <see langword="null"/> for the defaults.</param>
    /// <param name="auditSink">Where blocks and flags are recorded; <see langword="null"/> records nothing.</param>
    /// <param name="timeProvider">The clock for the timeout, stream windows and audit timestamps; <see langword="null"/> for the system clock.</param>
    /// <param name="loggerFactory">The logger factory; <see langword="null"/> logs nothing.</param>
    /// <exception cref="ArgumentException"><paramref name="options"/> holds an invalid value.</exception>
    public ModerationChatClient(
        IChatClient innerClient,
        IModerationService service,
        ModerationOptions? options = null,
        IAuditSink? auditSink = null,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(service);
        _options = options ?? new ModerationOptions();
        StageOptions.ThrowIfInvalid(_options, Feature, ModerationOptions.Validate, nameof(options));
        _service = service;
        _synchronousService = service is LocalModerationService;
        _audit = auditSink;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("LlmFallback.Moderation");
    }

    /// <inheritdoc/>
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        messages = LlmMessages.Validate(messages);
        var input = _options.CheckInput ? await CheckInputAsync(messages, options, cancellationToken).ConfigureAwait(false) : null;
        var response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        Findings? output = null;
        if (_options.CheckOutput && response.Text is { Length: > 0 } text)
        {
            try
            {
                output = await CheckAsync(text, LlmContentSide.Output, options, 0, cancellationToken).ConfigureAwait(false);
            }
            catch (ModerationException)
            {
                // A cache inside this stage may already hold the answer: a blocked answer must never be served from it.
                await response.DoNotCacheAsync(CancellationToken.None).ConfigureAwait(false);
                throw;
            }

            if (output is { Flagged: true })
            {
                await response.DoNotCacheAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        if (input is not null)
        {
            input.Apply(response.GetOrAddSafetyReport());
        }

        output?.Apply(response.GetOrAddSafetyReport());
        return response;
    }

    /// <inheritdoc/>
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(_service) ? _service : base.GetService(serviceType, serviceKey);
    }

    /// <summary>Checks the request's messages of <see cref="ModerationOptions.InputScope"/>; throws when blocked.</summary>
    private ValueTask<Findings?> CheckInputAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        var text = InputText(messages, _options.InputScope);
        return text.Length == 0 ? default : CheckAsync(text, LlmContentSide.Input, options, 0, cancellationToken);
    }

    /// <summary>Moderates one text; throws <see cref="ModerationException"/> when a category blocks; returns what to report.</summary>
    private async ValueTask<Findings?> CheckAsync(string text, LlmContentSide side, ChatOptions? options, int charactersSent, CancellationToken cancellationToken, HashSet<string>? reported = null)
    {
        var result = await ModerateAsync(text, side, charactersSent, cancellationToken).ConfigureAwait(false);
        if (result is null)
        {
            return Findings.Skipped;
        }

        return result.IsFlagged ? await DecideAsync(result, side, options, charactersSent, reported).ConfigureAwait(false) : null;
    }

    /// <summary>Calls the service within the timeout; <see langword="null"/> when it failed and moderation fails open.</summary>
    private async ValueTask<ModerationResult?> ModerateAsync(string text, LlmContentSide side, int charactersSent, CancellationToken cancellationToken)
    {
        if (_synchronousService)
        {
            return await _service.ModerateAsync(text, side, cancellationToken).ConfigureAwait(false);
        }

        using var serviceCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task<ModerationResult>? running = null;
        string reason;
        try
        {
            var pending = _service.ModerateAsync(text, side, serviceCancellation.Token);
            if (pending.IsCompletedSuccessfully)
            {
                return pending.Result;
            }

            running = pending.AsTask();
            return await running.WaitAsync(_options.Timeout, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (TimeoutException)
        {
            await serviceCancellation.CancelAsync().ConfigureAwait(false);

            // The abandoned call ends on its own (cancelled); observe its end so it is not reported as unobserved.
            _ = running?.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            reason = "timeout after " + LogSafe.Duration(_options.Timeout);
        }
        catch (ModerationServiceException ex)
        {
            reason = ex.StatusCode is { } status ? $"{ex.GetType().Name}, status {status}" : ex.GetType().Name;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            reason = ex.GetType().Name;
        }

        if (_options.OnServiceFailure == ModerationFailureMode.FailOpen)
        {
            ModerationLog.ServiceFailed(_logger, side, reason, "goes on unmoderated (fail open)");
            return null;
        }

        ModerationLog.ServiceFailed(_logger, side, reason, "is stopped (fail closed)");
        throw ModerationException.ServiceFailure(side, reason, charactersSent);
    }
}
