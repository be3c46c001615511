using System.Runtime.CompilerServices;
using LlmFallback;
using Microsoft.Extensions.AI;

namespace LlmFallback.Benchmarks;

/// <summary>A provider that answers at once, allocating a fresh response per call as a real adapter does.</summary>
internal sealed class AnsweringClient(int streamedTokens = 3) : IChatClient
{
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "Hello!")) { ModelId = "model-a", FinishReason = ChatFinishReason.Stop });

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var i = 0; i < streamedTokens; i++)
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, "tok") { ModelId = "model-a" };
        }

        await Task.CompletedTask.ConfigureAwait(false);
        yield return new ChatResponseUpdate { FinishReason = ChatFinishReason.Stop, ModelId = "model-a" };
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}

/// <summary>A provider that is down: every call fails with a 503 before any output, as a fresh exception.</summary>
internal sealed class FailingClient : IChatClient
{
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        Task.FromException<ChatResponse>(new LlmProviderException(LlmFailureKind.ServerError, "primary", 503));

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        throw new LlmProviderException(LlmFailureKind.ServerError, "primary", 503);
#pragma warning disable CS0162 // An iterator needs a yield.
        yield break;
#pragma warning restore CS0162
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}

/// <summary>Reads a stream to its end, as a caller does; returns how many contents it carried (so nothing is optimised away).</summary>
internal static class Streams
{
    public static async Task<int> Drain(IAsyncEnumerable<ChatResponseUpdate> updates)
    {
        var count = 0;
        await foreach (var update in updates.ConfigureAwait(false))
        {
            count += update.Contents.Count;
        }

        return count;
    }
}
