using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace LlmFallback;

/// <summary>
/// Sends fewer tokens: sets a default <c>MaxOutputTokens</c> per route or model, compacts whitespace and drops
/// repeated system messages (never changing code or meaning), and reduces long histories with an
/// <see cref="IChatReducer"/> (keep-last-N and token-budget reducers keep system messages and tool call/result pairs).
/// The prompt tokens saved are set as <see cref="LlmCallInfo.TokensSaved"/> and counted on <c>llmfallback.tokens.saved</c>.
/// </summary>
public sealed class CostOptimizationChatClient : DelegatingChatClient
{
    private readonly CostOptimizationOptions _options;
    private readonly IChatReducer[] _reducers;

    /// <summary>Initializes a new instance of the <see cref="CostOptimizationChatClient"/> class.</summary>
    /// <param name="innerClient">The client to send the optimised requests to.</param>
    /// <param name="options">The options; <see langword="null"/> for the defaults (compaction only).</param>
    /// <param name="reducer">A history reducer to apply after the configured ones; <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerClient"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public CostOptimizationChatClient(IChatClient innerClient, CostOptimizationOptions? options = null, IChatReducer? reducer = null)
        : this(innerClient, options, reducer, "CostOptimization")
    {
    }

    internal CostOptimizationChatClient(IChatClient innerClient, CostOptimizationOptions? options, IChatReducer? reducer, string configurationPath)
        : base(innerClient)
    {
        options ??= new CostOptimizationOptions();
        var errors = new List<string>();
        CostOptimizationOptionsValidator.Validate(options, configurationPath, errors);
        LlmOptionsValidation.ThrowIfAny(errors, nameof(options));
        _options = options.Clone();
        var reducers = new List<IChatReducer>(3);
        if (options.MaxHistoryMessages is { } count)
        {
            reducers.Add(new LlmKeepLastMessagesChatReducer(count));
        }

        if (options.MaxHistoryTokens is { } tokens)
        {
            reducers.Add(new LlmTokenBudgetChatReducer(tokens));
        }

        if (reducer is not null)
        {
            reducers.Add(reducer);
        }

        _reducers = [.. reducers];
    }

    /// <inheritdoc />
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        messages = LlmMessages.Validate(messages);
        var (optimised, optimisedOptions, saved) = await OptimiseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        var response = await base.GetResponseAsync(optimised, optimisedOptions, cancellationToken).ConfigureAwait(false);
        Annotate(response.GetLlmCallInfo(), saved);
        return response;
    }

    /// <inheritdoc />
    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        messages = LlmMessages.Validate(messages);
        return Stream(messages, options, cancellationToken);
    }

    private static void Annotate(LlmCallInfo? info, long saved)
    {
        if (info is not null)
        {
            info.Annotations.TokensSaved = saved;
        }
    }

    private async IAsyncEnumerable<ChatResponseUpdate> Stream(IEnumerable<ChatMessage> messages, ChatOptions? options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (optimised, optimisedOptions, saved) = await OptimiseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        await foreach (var update in base.GetStreamingResponseAsync(optimised, optimisedOptions, cancellationToken).ConfigureAwait(false))
        {
            Annotate(update.GetLlmCallInfo(), saved);
            yield return update;
        }
    }

    private async ValueTask<(IEnumerable<ChatMessage> Messages, ChatOptions? Options, long Saved)> OptimiseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        var effective = WithDefaultMaxOutput(options);
        var counter = LlmTokenCounter.ForModel(options?.ModelId);
        long saved = 0;
        IList<ChatMessage> current = messages as IList<ChatMessage> ?? [.. messages];
        long? tokens = null;
        if (_options.CompactWhitespace || _options.RemoveDuplicateSystemMessages)
        {
            var compacted = LlmPromptCompactor.Compact(current, _options.CompactWhitespace, _options.RemoveDuplicateSystemMessages);
            if (!ReferenceEquals(compacted, current))
            {
                saved += Saved(counter, current, compacted, effective, ref tokens, "compaction");
                current = compacted;
            }
        }

        foreach (var reducer in _reducers)
        {
            var reduced = await reducer.ReduceAsync(current, cancellationToken).ConfigureAwait(false);
            if (!ReferenceEquals(reduced, current))
            {
                var list = reduced as IList<ChatMessage> ?? [.. reduced];
                saved += Saved(counter, current, list, effective, ref tokens, "history_reduction");
                current = list;
            }
        }

        return (current, effective, saved + LlmContextSelection.Recorded(options));
    }

    /// <summary>Counts the tokens a step removed (the count after one step is the count before the next).</summary>
    private static long Saved(LlmTokenCounter counter, IList<ChatMessage> before, IList<ChatMessage> after, ChatOptions? options, ref long? beforeTokens, string technique)
    {
        var was = beforeTokens ?? counter.CountTokens(before, options);
        var now = counter.CountTokens(after, options);
        beforeTokens = now;
        var saved = Math.Max(0, was - now);
        CostOptimizationDiagnostics.RecordSaved(saved, technique);
        return saved;
    }

    private ChatOptions? WithDefaultMaxOutput(ChatOptions? options)
    {
        if (options?.MaxOutputTokens is not null)
        {
            return options;
        }

        int? max = options?.ModelId is { } route && _options.MaxOutputTokens.TryGetValue(route, out var own) ? own : _options.DefaultMaxOutputTokens;
        if (max is null)
        {
            return options;
        }

        var copy = options?.Clone() ?? new ChatOptions();
        copy.MaxOutputTokens = max;
        return copy;
    }
}
