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
        var list = LlmMessages.Validate(messages);
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
        await foreach (var update in base.GetStreamingResponseAsync(messages, WithPlan(options, plan), cancellationToken).ConfigureAwait(false))
        {
            if (update.AdditionalProperties is { Count: > 0 } && update.GetLlmCallInfo() is { } info)
            {
                Annotate(info, plan, tokens.Counted);
            }

            yield return update;
        }
    }
}
