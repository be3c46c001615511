using Microsoft.Extensions.AI;
using OpenAIChat = OpenAI.Chat;

namespace LlmFallback.OpenAI;

/// <summary>
/// Asks an OpenAI-compatible server to continue a trailing assistant message (a mid-stream rescue's partial answer)
/// instead of starting a new turn, by adding the fields the server documents to the request.
/// </summary>
internal sealed class OpenAIPrefillChatClient : DelegatingChatClient
{
    private readonly OpenAIPrefillMode _mode;

    public OpenAIPrefillChatClient(IChatClient innerClient, OpenAIPrefillMode mode)
        : base(innerClient)
    {
        _mode = mode;
    }

    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        TryPrepare(ref messages, ref options);
        return base.GetResponseAsync(messages, options, cancellationToken);
    }

    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        TryPrepare(ref messages, ref options);
        return base.GetStreamingResponseAsync(messages, options, cancellationToken);
    }

    /// <summary>Rewrites the request when it ends with an assistant message; otherwise leaves it untouched.</summary>
    internal bool TryPrepare(ref IEnumerable<ChatMessage> messages, ref ChatOptions? options)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        messages = list;
        if (list.Count == 0 || list[^1].Role != ChatRole.Assistant || !HasText(list[^1]))
        {
            return false;
        }

        if (_mode == OpenAIPrefillMode.MessagePrefix)
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

    private static bool HasText(ChatMessage message)
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
