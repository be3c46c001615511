using Microsoft.Extensions.AI;

namespace LlmFallback;

/// <summary>
/// Records which provider family produced a piece of content, in <see cref="AIContent.AdditionalProperties"/> under
/// <see cref="AdditionalPropertiesKey"/>, so that its opaque data can later be kept for that family and left out for others.
/// </summary>
/// <remarks>
/// Only content that can carry provider-specific data is marked: tool calls (their ids), reasoning (signatures,
/// encrypted reasoning), and content the provider put its own properties on. Plain text answers carry nothing and stay
/// unmarked, so recording costs nothing on them. The value survives serialization of the conversation with
/// <see cref="AIJsonUtilities.DefaultOptions"/> and <c>ToChatResponse()</c> coalescing.
/// </remarks>
public static class LlmContentOrigin
{
    /// <summary>The <see cref="AIContent.AdditionalProperties"/> key holding the family, such as <see cref="LlmProviderFamily.Gemini"/>.</summary>
    public const string AdditionalPropertiesKey = "llmfallback.origin";

    /// <summary>Gets the provider family that produced <paramref name="content"/>.</summary>
    /// <param name="content">The content.</param>
    /// <returns>The family, or <see langword="null"/> when no adapter recorded one.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="content"/> is <see langword="null"/>.</exception>
    public static string? GetOrigin(this AIContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        return content.AdditionalProperties is { } properties && properties.TryGetValue(AdditionalPropertiesKey, out var value) ? value as string : null;
    }

    /// <summary>Records <paramref name="family"/> as the producer of <paramref name="content"/>.</summary>
    /// <param name="content">The content, changed in place.</param>
    /// <param name="family">The provider family, such as <see cref="LlmProviderFamily.Anthropic"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="content"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="family"/> is <see langword="null"/> or blank.</exception>
    public static void SetOrigin(this AIContent content, string family)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentException.ThrowIfNullOrWhiteSpace(family);
        (content.AdditionalProperties ??= [])[AdditionalPropertiesKey] = family;
    }

    /// <summary>Marks the contents of every message of <paramref name="response"/> that can carry provider data.</summary>
    /// <param name="response">A response the provider of <paramref name="family"/> produced.</param>
    /// <param name="family">The provider family.</param>
    /// <exception cref="ArgumentNullException"><paramref name="response"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="family"/> is <see langword="null"/> or blank.</exception>
    public static void Record(ChatResponse response, string family)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentException.ThrowIfNullOrWhiteSpace(family);
        var messages = response.Messages;
        for (var i = 0; i < messages.Count; i++)
        {
            Record(messages[i].Contents, family);
        }
    }

    /// <summary>Marks the contents of <paramref name="update"/> that can carry provider data.</summary>
    /// <param name="update">A streamed update the provider of <paramref name="family"/> produced.</param>
    /// <param name="family">The provider family.</param>
    /// <exception cref="ArgumentNullException"><paramref name="update"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="family"/> is <see langword="null"/> or blank.</exception>
    public static void Record(ChatResponseUpdate update, string family)
    {
        ArgumentNullException.ThrowIfNull(update);
        ArgumentException.ThrowIfNullOrWhiteSpace(family);
        Record(update.Contents, family);
    }

    /// <summary>Whether content can carry data only its producer understands, and so is worth marking.</summary>
    internal static bool CarriesProviderData(AIContent content) =>
        content is ToolCallContent or TextReasoningContent || content.AdditionalProperties is { Count: > 0 };

    private static void Record(IList<AIContent> contents, string family)
    {
        for (var i = 0; i < contents.Count; i++)
        {
            var content = contents[i];
            if (CarriesProviderData(content) && content.GetOrigin() is null)
            {
                (content.AdditionalProperties ??= [])[AdditionalPropertiesKey] = family;
            }
        }
    }
}
