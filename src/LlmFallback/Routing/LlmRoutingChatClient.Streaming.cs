using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace LlmFallback;

public sealed partial class LlmRoutingChatClient
{
    /// <inheritdoc />
    /// <exception cref="ArgumentException">The request names an unknown route, alias, model or provider.</exception>
    /// <exception cref="LlmContextWindowExceededException">No deployment the request could go to can hold it.</exception>
    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = AsList(messages);
        var tokens = new PromptTokens(list, options);
        var (route, decision) = _table.Choose(list, options, ref tokens);
        if (route is null && _classifier is not null)
        {
            return ClassifyThenStreamAsync(list, options, tokens, cancellationToken);
        }

        route ??= _table.Default;
        if (route is null)
        {
            return base.GetStreamingResponseAsync(list, options, cancellationToken);
        }

        var plan = _table.Plan(route, decision ?? route.Default, options, ref tokens, streaming: true);
        return StreamAsync(list, options, plan, tokens, cancellationToken);
    }

    private async IAsyncEnumerable<ChatResponseUpdate> ClassifyThenStreamAsync(IReadOnlyList<ChatMessage> messages, ChatOptions? options, PromptTokens tokens, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (route, decision) = await ClassifyAsync(messages, options, cancellationToken).ConfigureAwait(false);
        IAsyncEnumerable<ChatResponseUpdate> stream;
        if (route is null)
        {
            stream = base.GetStreamingResponseAsync(messages, options, cancellationToken);
        }
        else
        {
            stream = StreamAsync(messages, options, _table.Plan(route, decision!, options, ref tokens, streaming: true), tokens, cancellationToken);
        }

        await foreach (var update in stream.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return update;
        }
    }

    private async IAsyncEnumerable<ChatResponseUpdate> StreamAsync(
        IReadOnlyList<ChatMessage> messages, ChatOptions? options, RoutedPlan plan, PromptTokens tokens, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Decided(plan.Decision);
        var tracked = UsageTracked;
        var estimate = tracked ? tokens.Estimate() : 0;
        UsageDetails? usage = null;
        await foreach (var update in base.GetStreamingResponseAsync(messages, WithPlan(options, plan), cancellationToken).ConfigureAwait(false))
        {
            if (tracked)
            {
                usage = FindUsage(update) ?? usage;
            }

            if (update.AdditionalProperties is { Count: > 0 } && update.GetLlmCallInfo() is { } info)
            {
                Annotate(info, plan, tokens.Counted);
                if (tracked)
                {
                    CorrectUsage(plan, info, usage, estimate);
                }
            }

            yield return update;
        }
    }

    private static UsageDetails? FindUsage(ChatResponseUpdate update)
    {
        var contents = update.Contents;
        for (var i = 0; i < contents.Count; i++)
        {
            if (contents[i] is UsageContent usage)
            {
                return usage.Details;
            }
        }

        return null;
    }

    private bool UsageTracked => !_table.Usage.IsEmpty;

    /// <summary>
    /// Replaces the usage-aware strategy's estimate with what the provider reported: the request was counted against
    /// the plan's first deployment; if another answered, it is counted there too (the first one was really tried, or
    /// at least held the slot).
    /// </summary>
    private void CorrectUsage(RoutedPlan plan, LlmCallInfo? info, UsageDetails? usage, int estimate)
    {
        if (info is null || PlanOrder.Count(plan.Order) == 0)
        {
            return;
        }

        var first = plan.Source.Deployments[PlanOrder.At(plan.Order, 0)];
        var actual = usage?.TotalTokenCount is { } total ? (int)Math.Min(total, int.MaxValue) : estimate;
        if (string.Equals(info.Provider, first.Name, StringComparison.OrdinalIgnoreCase))
        {
            _table.Usage.Add(first, 0, actual - estimate);
            return;
        }

        foreach (var deployment in plan.Source.Deployments)
        {
            if (string.Equals(info.Provider, deployment.Name, StringComparison.OrdinalIgnoreCase))
            {
                _table.Usage.Add(deployment, 1, actual);
            }
        }
    }
}
