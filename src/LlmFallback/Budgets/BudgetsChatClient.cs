using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmFallback;

/// <summary>
/// Stops a user, tenant, API key or route from spending more than its budgets per day, month or custom window.
/// Before a call it reserves the call's estimated cost (prompt tokens plus the requested or default output tokens,
/// at the target model's prices) in every budget that applies; a request that does not fit is refused with a
/// <see cref="BudgetExceededException"/> or downgraded to a cheaper route. After the call it charges the actual cost
/// (streams included) in place of the estimate, and releases the reservation of a call that failed.
/// </summary>
public sealed partial class BudgetsChatClient : DelegatingChatClient
{
    private readonly ILlmBudgetStore _store;
    private readonly BudgetOptions _options;
    private readonly LlmCostMeter _meter;
    private readonly LlmProviderRegistry? _registry;
    private readonly IAuditSink? _audit;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="BudgetsChatClient"/> class.</summary>
    /// <param name="innerClient">The client to guard.</param>
    /// <param name="store">Where budget counters are kept.</param>
    /// <param name="options">The budgets; <see langword="null"/> for none (every request passes).</param>
    /// <param name="catalog">The prices of estimates and of calls that were not metered; <see langword="null"/> for <see cref="LlmPriceCatalog.Default"/>.</param>
    /// <param name="auditSink">Receives a <see cref="LlmAuditEventKind.BudgetExceeded"/> event per refused or downgraded request; <see langword="null"/> for none.</param>
    /// <param name="timeProvider">The clock that decides budget windows; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <param name="loggerFactory">Where decisions are logged; <see langword="null"/> for nowhere.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerClient"/> or <paramref name="store"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public BudgetsChatClient(
        IChatClient innerClient,
        ILlmBudgetStore store,
        BudgetOptions? options = null,
        LlmPriceCatalog? catalog = null,
        IAuditSink? auditSink = null,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null)
        : this(innerClient, store, options, new LlmCostMeter(catalog, null, null, timeProvider, loggerFactory), null, auditSink, loggerFactory, "Budgets")
    {
    }

    internal BudgetsChatClient(
        IChatClient innerClient,
        ILlmBudgetStore store,
        BudgetOptions? options,
        LlmCostMeter meter,
        LlmProviderRegistry? registry,
        IAuditSink? auditSink,
        ILoggerFactory? loggerFactory,
        string configurationPath)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(store);
        options ??= new BudgetOptions();
        var errors = new List<string>();
        BudgetOptionsValidator.Validate(options, configurationPath, errors);
        LlmOptionsValidation.ThrowIfAny(errors, nameof(options));
        _store = store;
        _options = options.Clone();
        _meter = meter;
        _registry = registry;
        _audit = auditSink;
        _logger = (ILogger?)loggerFactory?.CreateLogger("LlmFallback.Budgets") ?? NullLogger.Instance;
    }

    private TimeProvider Time => _meter.TimeProvider;

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
            response = await base.GetResponseAsync(messages, admission.Options, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // A failed call is not billed: the reservation goes back.
            await SettleAsync(admission, -admission.Reserved).ConfigureAwait(false);
            throw;
        }

        var info = response.GetLlmCallInfo();
        Annotate(info, admission);
        var actual = ActualCost(info, response.Usage, response.ModelId) ?? admission.Reserved;
        await SettleAsync(admission, actual - admission.Reserved).ConfigureAwait(false);
        return response;
    }

    private static void Annotate(LlmCallInfo? info, BudgetAdmission admission)
    {
        if (info is not null && admission.DowngradedTo is { } to)
        {
            info.Annotations.BudgetDowngradedTo = to;
        }
    }

    /// <summary>The metered cost when the metering stage ran inside this one; otherwise priced here from the usage.</summary>
    private decimal? ActualCost(LlmCallInfo? info, UsageDetails? usage, string? modelId)
    {
        if (info?.Cost is { } metered)
        {
            return metered;
        }

        var measured = MeteredUsage.From(usage, estimate: false, null, null, null, null);
        return measured.IsComplete ? _meter.Resolve(info?.Provider, info?.ModelId ?? modelId)?.Cost(measured.Input, measured.Output, measured.Cached) : null;
    }

    private async ValueTask SettleAsync(BudgetAdmission admission, decimal delta)
    {
        if (delta == 0)
        {
            return;
        }

        try
        {
            if (_store is IDegradableBudgetStore degradable)
            {
                await degradable.SettleAsync(admission.Counters, delta, admission.InFallback, CancellationToken.None).ConfigureAwait(false);
            }
            else
            {
                await _store.AddAsync(admission.Counters, delta, CancellationToken.None).ConfigureAwait(false);
            }
        }
#pragma warning disable CA1031 // Settling is bookkeeping: a store failure never fails a call that succeeded.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            BudgetLog.StoreFailed(_logger, ex);
        }
    }
}
