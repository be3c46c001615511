using System.Runtime.CompilerServices;

namespace LlmFallback.Conformance;

/// <summary>
/// The in-memory second provider of conformance fallback chains: answers with fixed text and, when the
/// conversation ends with an assistant message (a rescue prefill), answers with <see cref="Continuation"/>.
/// </summary>
public sealed class InMemoryChatClient : IChatClient
{
    private readonly List<List<ChatMessage>> _calls = [];

    public string Answer { get; init; } = "Hello from the fallback";

    public string Continuation { get; init; } = " [continued]";

    public IReadOnlyList<List<ChatMessage>> Calls
    {
        get
        {
            lock (_calls)
            {
                return [.. _calls];
            }
        }
    }

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, Reply(messages))) { ModelId = "in-memory", FinishReason = ChatFinishReason.Stop });

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var reply = Reply(messages);
        await Task.Yield();
        yield return new ChatResponseUpdate(ChatRole.Assistant, reply) { ModelId = "in-memory", MessageId = "mem" };
        yield return new ChatResponseUpdate { FinishReason = ChatFinishReason.Stop, ModelId = "in-memory", MessageId = "mem" };
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }

    private string Reply(IEnumerable<ChatMessage> messages)
    {
        List<ChatMessage> list = [.. messages];
        lock (_calls)
        {
            _calls.Add(list);
        }

        return list.Count > 0 && list[^1].Role == ChatRole.Assistant ? Continuation : Answer;
    }
}
