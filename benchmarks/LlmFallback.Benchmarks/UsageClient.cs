using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace LlmFallback.Benchmarks;

/// <summary>A provider that answers at once and reports usage, as OpenAI, Anthropic and Gemini do.</summary>
internal sealed class UsageClient(bool reportUsage = true) : IChatClient
{
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "Hello! How can I help you today?"))
        {
            ModelId = "gpt-4o-mini-2024-07-18",
            FinishReason = ChatFinishReason.Stop,
            Usage = reportUsage ? new UsageDetails { InputTokenCount = 120, OutputTokenCount = 9, CachedInputTokenCount = 64 } : null,
        });

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var i = 0; i < 3; i++)
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, "tok") { ModelId = "gpt-4o-mini-2024-07-18" };
        }

        await Task.CompletedTask.ConfigureAwait(false);
        yield return new ChatResponseUpdate
        {
            FinishReason = ChatFinishReason.Stop,
            ModelId = "gpt-4o-mini-2024-07-18",
            Contents = reportUsage ? [new UsageContent(new UsageDetails { InputTokenCount = 120, OutputTokenCount = 3 })] : [],
        };
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("openai") : null;

    public void Dispose()
    {
    }
}
