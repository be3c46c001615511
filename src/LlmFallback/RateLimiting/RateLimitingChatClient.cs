using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmFallback;

/// <summary>
/// Limits requests per minute and tokens per minute per user, tenant and API key. A request takes one request
/// permit and its estimated prompt tokens from every limit that applies (all or none); a refused request fails with
/// a <see cref="RateLimitedException"/> that carries the retry-after. After the call the tokens are corrected to the
/// actual usage (prompt and output), and a failed call gives its tokens back.
/// </summary>
public sealed partial class RateLimitingChatClient : DelegatingChatClient
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private readonly ILlmRateLimitStore _store;
    private readonly RateLimitingOptions _options;
    private readonly IAuditSink? _audit;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="RateLimitingChatClient"/> class.</summary>
    /// <param name="innerClient">The client to guard.</param>
    /// <param name="store">Where the buckets are kept.</param>
    /// <param name="options">The limits; <see langword="null"/> for none (every request passes).</param>
    /// <param name="auditSink">Receives a <see cref="LlmAuditEventKind.RateLimited"/> event per refused request; <see langword="null"/> for none.</param>
    /// <param name="timeProvider">The clock of audit events; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <param name="loggerFactory">Where refusals are logged; <see langword="null"/> for nowhere.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerClient"/> or <paramref name="store"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public RateLimitingChatClient(
        IChatClient innerClient,
        ILlmRateLimitStore store,
        RateLimitingOptions? options = null,
        IAuditSink? auditSink = null,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null)
        : this(innerClient, store, options, auditSink, timeProvider, loggerFactory, "RateLimiting")
    {
    }

    internal RateLimitingChatClient(
        IChatClient innerClient,
        ILlmRateLimitStore store,
        RateLimitingOptions? options,
        IAuditSink? auditSink,
        TimeProvider? timeProvider,
        ILoggerFactory? loggerFactory,
        string configurationPath)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(store);
        options ??= new RateLimitingOptions();
        var errors = new List<string>();
        RateLimitingOptionsValidator.Validate(options, configurationPath, errors);
        LlmOptionsValidation.ThrowIfAny(errors, nameof(options));
        _store = store;
        _options = options.Clone();
        _audit = auditSink;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)loggerFactory?.CreateLogger("LlmFallback.RateLimiting") ?? NullLogger.Instance;
    }

    /// <inheritdoc />
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        messages = LlmMessages.Validate(messages);
        var admission = await AdmitAsync(messages, options, cancellationToken).ConfigureAwait(false);
        if (admission is null)
        {
            return await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }

        ChatResponse response;
        try
        {
            response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await SettleAsync(admission, 0).ConfigureAwait(false);
            throw;
        }

        await SettleAsync(admission, ActualTokens(response.GetLlmCallInfo(), response.Usage) ?? admission.Tokens).ConfigureAwait(false);
        return response;
    }

    /// <summary>Prompt plus output tokens: metered when the metering stage ran inside this one, else as the provider reported.</summary>
    private static long? ActualTokens(LlmCallInfo? info, UsageDetails? usage)
    {
        if (info is { InputTokenCount: { } input, OutputTokenCount: { } output })
        {
            return input + output;
        }

        return usage switch
        {
            { InputTokenCount: { } i, OutputTokenCount: { } o } => i + o,
            { TotalTokenCount: { } total } => total,
            _ => null,
        };
    }

    /// <summary>Replaces the estimate held in the token buckets with <paramref name="actual"/> tokens.</summary>
    private async ValueTask SettleAsync(RateLimitAdmission admission, long actual)
    {
        var delta = actual - admission.Tokens;
        if (delta == 0 || !admission.HasTokenRules)
        {
            return;
        }

        var rules = new List<LlmRateLimitRule>(admission.Rules.Count);
        foreach (var rule in admission.Rules)
        {
            if (rule.Kind == LlmRateLimitKind.Tokens)
            {
                rules.Add(rule with { Permits = delta });
            }
        }

        try
        {
            if (_store is IDegradableRateLimitStore degradable)
            {
                await degradable.SettleAsync(rules, admission.InFallback, CancellationToken.None).ConfigureAwait(false);
            }
            else
            {
                await _store.AddAsync(rules, CancellationToken.None).ConfigureAwait(false);
            }
        }
#pragma warning disable CA1031 // Settling is bookkeeping: a store failure never fails a call that succeeded.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            RateLimitingLog.StoreFailed(_logger, ex);
        }
    }
}
