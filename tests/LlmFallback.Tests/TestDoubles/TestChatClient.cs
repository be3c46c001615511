using System.Runtime.CompilerServices;

namespace LlmFallback.Tests;

/// <summary>A hand-written fake whose behaviour is a callback per call; records every call.</summary>
public sealed class TestChatClient : IChatClient
{
    private int _calls;

    public Func<IEnumerable<ChatMessage>, ChatOptions?, CancellationToken, Task<ChatResponse>>? OnGetResponse { get; set; }

    public Func<IEnumerable<ChatMessage>, ChatOptions?, CancellationToken, IAsyncEnumerable<ChatResponseUpdate>>? OnGetStreamingResponse { get; set; }

    public List<(List<ChatMessage> Messages, ChatOptions? Options)> Calls { get; } = [];

    public int CallCount => Volatile.Read(ref _calls);

    public bool Disposed { get; private set; }

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        lock (Calls)
        {
            Calls.Add(([.. messages], options));
        }

        return OnGetResponse?.Invoke(messages, options, cancellationToken) ?? throw new InvalidOperationException("No response configured.");
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        lock (Calls)
        {
            Calls.Add(([.. messages], options));
        }

        return OnGetStreamingResponse?.Invoke(messages, options, cancellationToken) ?? throw new InvalidOperationException("No stream configured.");
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose() => Disposed = true;

    public static TestChatClient Answering(string text, string? modelId = null) => new()
    {
        OnGetResponse = (_, _, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, text)) { ModelId = modelId }),
        OnGetStreamingResponse = (_, _, ct) => Stream(ct, modelId, Split(text)),
    };

    public static TestChatClient Failing(Func<Exception> error) => new()
    {
        OnGetResponse = (_, _, _) => Task.FromException<ChatResponse>(error()),
        OnGetStreamingResponse = (_, _, _) => Throwing(error()),
    };

    public static string[] Split(string text) => text.Split(' ').Select((w, i) => i == 0 ? w : " " + w).ToArray();

    public static async IAsyncEnumerable<ChatResponseUpdate> Stream(
        [EnumeratorCancellation] CancellationToken cancellationToken,
        string? modelId,
        string[] chunks,
        bool finish = true,
        Exception? thenThrow = null,
        IList<AIContent>? lastContents = null)
    {
        for (var i = 0; i < chunks.Length; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            var update = new ChatResponseUpdate(ChatRole.Assistant, chunks[i]) { ModelId = modelId, MessageId = "m1", ResponseId = "r1" };
            if (i == chunks.Length - 1 && lastContents is not null)
            {
                update.Contents = lastContents;
            }

            yield return update;
        }

        if (thenThrow is not null)
        {
            throw thenThrow;
        }

        if (finish)
        {
            yield return new ChatResponseUpdate { FinishReason = ChatFinishReason.Stop, ModelId = modelId, MessageId = "m1", ResponseId = "r1" };
        }
    }

    /// <summary>A stream that yields <paramref name="updates"/>, then runs <paramref name="ending"/> (throw, hang, ...), and reports its disposal.</summary>
    public static TestChatClient Streaming(IEnumerable<ChatResponseUpdate> updates, Func<CancellationToken, Task>? ending = null, Action? onDisposed = null) => new()
    {
        OnGetStreamingResponse = (_, _, ct) => Play(updates, ending, onDisposed, ct),
    };

    public static async IAsyncEnumerable<ChatResponseUpdate> Play(
        IEnumerable<ChatResponseUpdate> updates,
        Func<CancellationToken, Task>? ending,
        Action? onDisposed,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        try
        {
            foreach (var update in updates)
            {
                await Task.Yield();
                cancellationToken.ThrowIfCancellationRequested();
                yield return update;
            }

            if (ending is not null)
            {
                await ending(cancellationToken);
            }
        }
        finally
        {
            onDisposed?.Invoke();
        }
    }

    public static ChatResponseUpdate Text(string text, string messageId = "m1") =>
        new(ChatRole.Assistant, text) { MessageId = messageId, ResponseId = "r-" + messageId };

    public static ChatResponseUpdate Finish(string messageId = "m1") =>
        new() { Role = ChatRole.Assistant, FinishReason = ChatFinishReason.Stop, MessageId = messageId, ResponseId = "r-" + messageId };

    /// <summary>An ending that cuts the connection, as HttpClient reports a response that ended early.</summary>
    public static Task Cut(CancellationToken cancellationToken) =>
        Task.FromException(new System.Net.Http.HttpIOException(System.Net.Http.HttpRequestError.ResponseEnded, "The response ended prematurely."));

    public static Task Hang(CancellationToken cancellationToken) => Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);

    /// <summary>An ending that goes silent and tells the test when the consumer started waiting on it.</summary>
    public static Func<CancellationToken, Task> Stall(TaskCompletionSource waiting) => ct =>
    {
        waiting.TrySetResult();
        return Hang(ct);
    };

    public static async IAsyncEnumerable<ChatResponseUpdate> Throwing(Exception error)
    {
        await Task.Yield();
        throw error;
#pragma warning disable CS0162
        yield break;
#pragma warning restore CS0162
    }
}
