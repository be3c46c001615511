using Microsoft.Extensions.AI;
using OpenAIChat = OpenAI.Chat;

namespace LlmFallback.OpenAI;

/// <summary>
/// Asks an OpenAI-compatible server to continue a trailing assistant message (a mid-stream rescue's partial answer)
/// instead of starting a new turn, by adding the fields the server documents to the request.
/// </summary>
internal static class OpenAIPrefill
{
    /// <summary>Rewrites the request when it ends with an assistant text message; otherwise leaves it untouched.</summary>
    /// <returns><see langword="true"/> if the request was rewritten.</returns>
    public static bool TryPrepare(OpenAIPrefillMode mode, ref IEnumerable<ChatMessage> messages, ref ChatOptions? options)
    {
        if (mode is not (OpenAIPrefillMode.ContinueFinalMessage or OpenAIPrefillMode.MessagePrefix))
        {
            return false;
        }

        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        messages = list;
        if (list.Count == 0 || list[^1].Role != ChatRole.Assistant || !IsText(list[^1]))
        {
            return false;
        }

        if (mode == OpenAIPrefillMode.MessagePrefix)
        {
            var last = list[^1];
            var raw = new OpenAIChat.AssistantChatMessage(last.Text);
            raw.Patch.Set("$.prefix"u8, true);
            var copy = last.Clone();
            copy.RawRepresentation = raw;
            ChatMessage[] rewritten = [.. list];
            rewritten[^1] = copy;
            messages = rewritten;
            return true;
        }

        options = options?.Clone() ?? new ChatOptions();
        var previous = options.RawRepresentationFactory;
        options.RawRepresentationFactory = client =>
        {
            var created = previous?.Invoke(client);
            if (created is not null and not OpenAIChat.ChatCompletionOptions)
            {
                return created;
            }

            var completionOptions = (OpenAIChat.ChatCompletionOptions?)created ?? new OpenAIChat.ChatCompletionOptions();
            completionOptions.Patch.Set("$.continue_final_message"u8, true);
            completionOptions.Patch.Set("$.add_generation_prompt"u8, false);
            return completionOptions;
        };
        return true;
    }

    private static bool IsText(ChatMessage message)
    {
        foreach (var content in message.Contents)
        {
            if (content is not TextContent)
            {
                return false;
            }
        }

        return message.Contents.Count > 0;
    }
}
