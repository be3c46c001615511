using Microsoft.Extensions.AI;

namespace LlmFallback;

/// <summary>
/// Computes a request's cache keys: a versioned SHA-256 over the normalised messages and every option that changes the
/// answer, scoped to the tenant and user. Keys hold no message text, user or tenant id: only hashes and the namespace.
/// </summary>
internal static partial class CacheKeys
{
    /// <summary>Bumped whenever the framing below changes, so old entries are never read with a new meaning.</summary>
    public const string Version = "v1";

    private const string KeyPrefix = "llmfb:" + Version + ":";

    public static CacheRequest Compute(IEnumerable<ChatMessage> messages, ChatOptions? options, LlmCachingOptions settings, string? namespaceOverride)
    {
        var ns = namespaceOverride ?? settings.Namespace;

        // The route as the routing stage reads it: WithRoute(...) (an own llmfallback.* property, so not framed with
        // the provider options), else the model id.
        var named = options.GetRoute();
        var route = named ?? options?.ModelId ?? string.Empty;
        var list = messages as IList<ChatMessage> ?? [.. messages];
        if (list.Count == 0 || !IsCacheableRequest(options))
        {
            return new(null, null, null, route, ns);
        }

        var writer = KeyWriter.Rent();
        writer.String(1, Version);
        writer.String(2, ns);
        WriteScope(writer, options, settings.Scope);
        writer.String(3, options?.ModelId ?? string.Empty);
        if (named is not null)
        {
            writer.String(7, named);
        }

        if (!WriteOptions(writer, options))
        {
            return new(null, null, null, route, ns);
        }

        var last = list[^1];
        var singleTurn = true;
        for (var i = 0; i < list.Count - 1; i++)
        {
            singleTurn &= list[i].Role == ChatRole.System;
            if (!WriteMessage(writer, list[i]))
            {
                return new(null, null, null, route, ns);
            }
        }

        // The partition (everything but the final message) is hashed only when the semantic cache can use it: one
        // SHA-256 is a good share of an exact hit's cost.
        var semantic = settings.Semantic;
        var usePrompt = semantic.Enabled && last.Role == ChatRole.User && (singleTurn || semantic.AllowMultiTurn);
        Span<byte> hash = stackalloc byte[32];
        string? partition = null;
        if (usePrompt)
        {
            writer.Hash(hash);
            partition = KeyWriter.Encode(hash);
        }

        if (!WriteMessage(writer, last))
        {
            return new(null, null, null, route, ns);
        }

        writer.Hash(hash);
        var key = string.Concat(KeyPrefix, ns, ":", KeyWriter.Encode(hash));
        var prompt = usePrompt ? PromptText(last) : null;
        return new(key, partition, prompt, route, ns);
    }

    /// <summary>
    /// Requests whose answer depends on server-side state are never cached, nor are requests with a
    /// <see cref="ChatOptions.RawRepresentationFactory"/> (a delegate: what it sets on the provider's request cannot be
    /// keyed) unless the caller described it with <c>WithCacheRawRepresentationKey</c>.
    /// </summary>
    private static bool IsCacheableRequest(ChatOptions? options) =>
        options is null || (options.ConversationId is null && options.ContinuationToken is null && options.AllowBackgroundResponses != true
            && (options.RawRepresentationFactory is null || options.GetCacheRawRepresentationKey() is not null));

    private static void WriteScope(KeyWriter writer, ChatOptions? options, LlmCacheScope scope)
    {
        writer.Int(4, (int)scope);
        if (scope != LlmCacheScope.Shared)
        {
            writer.String(5, options.GetTenant());
        }

        if (scope == LlmCacheScope.User)
        {
            writer.String(6, options.GetUser());
        }
    }

    /// <summary>The text of a message made only of text, trimmed; <see langword="null"/> if it holds anything else.</summary>
    private static string? PromptText(ChatMessage message)
    {
        var contents = message.Contents;
        if (contents.Count == 1 && contents[0] is TextContent { Text: { } only })
        {
            return only.Trim();
        }

        for (var i = 0; i < contents.Count; i++)
        {
            if (contents[i] is not TextContent)
            {
                return null;
            }
        }

        return message.Text.Trim();
    }
}
