using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace LlmFallback;

/// <summary>
/// Measures what every call cost: token usage from the response (or the final <see cref="UsageContent"/> of a
/// stream), estimated with the model's tokenizer where the provider reports none, priced at the answering model's
/// prices. Sets <see cref="LlmCallInfo.Cost"/> and the token counts, adds to the <c>llmfallback.cost</c> (USD) and
/// <c>llmfallback.tokens</c> counters, and records the call in the <see cref="ICostLedger"/>.
/// </summary>
/// <remarks>
/// Place it outside the fallback stage: only the attempt that answered reaches it, so failed attempts are never
/// billed as completions and the model priced is the one that answered. A call that fails is not recorded.
/// </remarks>
public sealed partial class CostMeteringChatClient : DelegatingChatClient
{
    private readonly LlmCostMeter _meter;
    private readonly bool _estimate;
    private string? _providerName;

    /// <summary>Initializes a new instance of the <see cref="CostMeteringChatClient"/> class.</summary>
    /// <param name="innerClient">The client to meter, usually the fallback stage.</param>
    /// <param name="catalog">The prices; <see langword="null"/> for <see cref="LlmPriceCatalog.Default"/>.</param>
    /// <param name="ledger">Where calls are recorded; <see langword="null"/> for nowhere.</param>
    /// <param name="options">The options; <see langword="null"/> for the defaults.</param>
    /// <param name="timeProvider">The clock of ledger entries; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <param name="loggerFactory">Where unknown models are reported; <see langword="null"/> for nowhere.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerClient"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public CostMeteringChatClient(
        IChatClient innerClient,
        LlmPriceCatalog? catalog = null,
        ICostLedger? ledger = null,
        CostMeteringOptions? options = null,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null)
        : this(innerClient, new LlmCostMeter(catalog, null, ledger, timeProvider, loggerFactory), options, "Metering")
    {
    }

    internal CostMeteringChatClient(IChatClient innerClient, LlmCostMeter meter, CostMeteringOptions? options, string configurationPath)
        : base(innerClient)
    {
        options ??= new CostMeteringOptions();
        var errors = new List<string>();
        CostMeteringOptionsValidator.Validate(options, configurationPath, errors);
        LlmOptionsValidation.ThrowIfAny(errors, nameof(options));
        _meter = meter;
        _estimate = options.EstimateMissingUsage;
    }

    /// <inheritdoc />
    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        messages = LlmMessages.Validate(messages);
        var task = base.GetResponseAsync(messages, options, cancellationToken);
        if (task.IsCompletedSuccessfully)
        {
            Meter(task.Result, messages, options);
            return task;
        }

        return Awaited(task, messages, options);
    }

    /// <summary>
    /// Records a response served from a response cache instead of a provider: what the call would have cost now
    /// (from the cached response's usage and model) is added to <c>llmfallback.cost.saved</c> and to the ledger as
    /// saved, and set as <see cref="LlmCallInfo.CostSaved"/> on the response's call information. Called by the caching
    /// stage, which sits outside this one.
    /// </summary>
    /// <param name="cachedResponse">The response returned from the cache.</param>
    /// <param name="messages">The request's messages, used to estimate the prompt when the cached response has no usage.</param>
    /// <param name="options">The request's options (user, tenant and route are read from them).</param>
    /// <returns>The cost saved in US dollars, or <see langword="null"/> if the model has no known price or no usage could be found.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="cachedResponse"/> is <see langword="null"/>.</exception>
    public decimal? RecordCacheHit(ChatResponse cachedResponse, IEnumerable<ChatMessage>? messages = null, ChatOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(cachedResponse);
        var info = cachedResponse.GetLlmCallInfo();
        var model = info?.ModelId ?? cachedResponse.ModelId ?? options?.ModelId;
        var usage = MeteredUsage.From(cachedResponse.Usage, _estimate, model, messages, options, _estimate ? cachedResponse.Text : null);
        return _meter.RecordSaved(info, info?.Provider, model, options, in usage);
    }

    private async Task<ChatResponse> Awaited(Task<ChatResponse> task, IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        var response = await task.ConfigureAwait(false);
        Meter(response, messages, options);
        return response;
    }

    private void Meter(ChatResponse response, IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        var info = response.GetLlmCallInfo();
        if (info is null)
        {
            // No fallback stage below: the inner client answered directly and is described by its own metadata.
            info = new LlmCallInfo(ProviderName(), response.ModelId ?? options?.ModelId, TimeSpan.Zero);
            response.SetLlmCallInfo(info);
        }

        var usage = MeteredUsage.From(response.Usage, _estimate, info.ModelId, messages, options, _estimate ? response.Text : null);
        _meter.RecordCall(info, options, in usage);
    }

    private string ProviderName() =>
        _providerName ??= InnerClient.GetService<ChatClientMetadata>()?.ProviderName ?? "unknown";
}
