using Microsoft.Extensions.AI;

namespace LlmFallback;

/// <summary>
/// Prepares a conversation for the provider about to receive it, so a history that holds what another provider
/// produced is one this provider accepts. Adapters call <see cref="Prepare"/> on every request.
/// </summary>
/// <remarks>
/// <para>What is done, for a target described by <see cref="LlmPortabilityTarget"/>:</para>
/// <list type="bullet">
/// <item>Reasoning made by another family (its <see cref="TextReasoningContent.ProtectedData"/> is a signature or
/// encrypted reasoning only that family can read), or unsigned where the target needs a signature, is dropped or sent as
/// plain text (<see cref="LlmPortabilityOptions.ForeignReasoning"/>). The target's own reasoning is kept.</item>
/// <item>Tool-call ids the target does not accept are replaced, the same way in the call and in its result; calls and
/// results without an id get one, paired in order.</item>
/// <item>The first function call of each model step that has no signature gets the target's documented placeholder
/// (<see cref="LlmPortabilityTarget.FunctionCallSignaturePlaceholder"/>).</item>
/// <item>Media in tool results are moved to a user message where tool results hold only text.</item>
/// </list>
/// <para>The caller's messages and contents are never changed: changed messages are copies. A history with nothing to
/// change is returned as the same instance, without allocating.</para>
/// </remarks>
public static class LlmPortability
{
    private static readonly LlmPortabilityOptions Defaults = new();

    /// <summary>Returns <paramref name="history"/> as <paramref name="target"/> accepts it.</summary>
    /// <param name="history">The conversation, as the application keeps it.</param>
    /// <param name="target">What the provider about to be called accepts.</param>
    /// <param name="options">How reasoning is treated; <see langword="null"/> for the defaults.</param>
    /// <returns><paramref name="history"/> itself when nothing needs changing; otherwise a new list.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="history"/> or <paramref name="target"/> is <see langword="null"/>.</exception>
    public static IEnumerable<ChatMessage> Prepare(IEnumerable<ChatMessage> history, LlmPortabilityTarget target, LlmPortabilityOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(target);
        options ??= Defaults;
        if (!options.Enabled)
        {
            return history;
        }

        // Indexing a list allocates no enumerator; anything else is read once, into a list.
        var list = history as IList<ChatMessage> ?? [.. history];
        return NeedsChange(list, target, options) ? new HistoryRewriter(target, options).Rewrite(list) : list;
    }

    /// <summary>Whether the target can take the reasoning as it is.</summary>
    internal static bool CanCarry(TextReasoningContent reasoning, LlmPortabilityTarget target, LlmPortabilityOptions options)
    {
        var origin = reasoning.GetOrigin();
        if (origin is null)
        {
            if (options.UnknownOrigin == LlmUnknownOrigin.Foreign && !string.IsNullOrEmpty(reasoning.ProtectedData))
            {
                return false;
            }
        }
        else if (!string.Equals(origin, target.Family, StringComparison.Ordinal))
        {
            return false;
        }

        return !target.ReasoningRequiresSignature || !string.IsNullOrEmpty(reasoning.ProtectedData);
    }

    /// <summary>Whether the call is the first of its model step and lacks the signature the target wants there.</summary>
    internal static bool NeedsPlaceholder(FunctionCallContent call, LlmPortabilityTarget target, ref bool callSeenInStep)
    {
        if (callSeenInStep || target.FunctionCallSignatureKey is not { } key || target.FunctionCallSignaturePlaceholder is null)
        {
            return false;
        }

        callSeenInStep = true;
        return call.AdditionalProperties is not { } properties || !properties.TryGetValue(key, out var signature) || signature is not string { Length: > 0 };
    }

    private static bool NeedsChange(IList<ChatMessage> history, LlmPortabilityTarget target, LlmPortabilityOptions options)
    {
        var callSeenInStep = false;
        for (var i = 0; i < history.Count; i++)
        {
            var message = history[i];
            var assistant = message.Role == ChatRole.Assistant;
            if (!assistant)
            {
                callSeenInStep = false;
            }

            var contents = message.Contents;
            for (var j = 0; j < contents.Count; j++)
            {
                switch (contents[j])
                {
                    case FunctionCallContent call:
                        if (!PortableToolCallIds.IsAccepted(call.CallId, target) || (assistant && NeedsPlaceholder(call, target, ref callSeenInStep)))
                        {
                            return true;
                        }

                        break;
                    case FunctionResultContent result:
                        if (!PortableToolCallIds.IsAccepted(result.CallId, target) || (target.ToolResultMediaInUserMessage && ToolResultMedia.HasMedia(result.Result)))
                        {
                            return true;
                        }

                        break;
                    case TextReasoningContent reasoning when !CanCarry(reasoning, target, options):
                        return true;
                }
            }
        }

        return false;
    }
}
