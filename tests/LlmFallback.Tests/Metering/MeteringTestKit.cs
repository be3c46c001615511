using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace LlmFallback.Tests.Metering;

/// <summary>Fakes shared by the metering, budget, rate-limit and cost-optimisation tests.</summary>
internal static class MeteringTestKit
{
    public static CancellationToken Ct => Fallback.FallbackFixture.Ct;

    public static List<ChatMessage> Prompt(string text = "What is Python?") => [new(ChatRole.User, text)];

    public static UsageDetails Usage(long input, long output, long? cached = null) =>
        new() { InputTokenCount = input, OutputTokenCount = output, CachedInputTokenCount = cached, TotalTokenCount = input + output };

    /// <summary>A client that answers every call with <paramref name="text"/>, reporting <paramref name="usage"/> (or none).</summary>
    public static FakeChatClient Answering(string text, string? modelId, UsageDetails? usage, string? provider = "test-provider") => new(provider)
    {
        OnGetResponse = (_, _, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, text)) { ModelId = modelId, Usage = usage }),
        OnGetStreamingResponse = (_, _, ct) => Stream(ct, modelId, TestChatClient.Split(text), usage),
    };

    /// <summary>Streams text chunks, then (when given) a final update holding only the usage.</summary>
    public static async IAsyncEnumerable<ChatResponseUpdate> Stream([EnumeratorCancellation] CancellationToken ct, string? modelId, string[] chunks, UsageDetails? usage, bool finish = true)
    {
        foreach (var chunk in chunks)
        {
            ct.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return new ChatResponseUpdate(ChatRole.Assistant, chunk) { ModelId = modelId, MessageId = "m1", ResponseId = "r1" };
        }

        if (usage is not null)
        {
            yield return new ChatResponseUpdate { Contents = [new UsageContent(usage)], ModelId = modelId, ResponseId = "r1", FinishReason = finish ? ChatFinishReason.Stop : null };
        }
        else if (finish)
        {
            yield return new ChatResponseUpdate { ModelId = modelId, ResponseId = "r1", FinishReason = ChatFinishReason.Stop };
        }
    }

    public static (ILoggerFactory Factory, FakeLogCollector Logs) Logging()
    {
        var logs = new FakeLogCollector();
        return (LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(logs))), logs);
    }
}

/// <summary>A fake provider client that describes itself with <see cref="ChatClientMetadata"/> and records the options of every call.</summary>
internal sealed class FakeChatClient(string? provider) : IChatClient
{
    private int _calls;

    public Func<IEnumerable<ChatMessage>, ChatOptions?, CancellationToken, Task<ChatResponse>>? OnGetResponse { get; set; }

    public Func<IEnumerable<ChatMessage>, ChatOptions?, CancellationToken, IAsyncEnumerable<ChatResponseUpdate>>? OnGetStreamingResponse { get; set; }

    public List<ChatOptions?> Options { get; } = [];

    public List<List<ChatMessage>> Messages { get; } = [];

    public int CallCount => Volatile.Read(ref _calls);

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Record(messages, options);
        return OnGetResponse!(messages, options, cancellationToken);
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Record(messages, options);
        return OnGetStreamingResponse!(messages, options, cancellationToken);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata(provider) : serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }

    private void Record(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        Interlocked.Increment(ref _calls);
        lock (Options)
        {
            Options.Add(options);
            Messages.Add([.. messages]);
        }
    }
}

/// <summary>Records audit events.</summary>
public sealed class RecordingAuditSink : IAuditSink
{
    public List<LlmAuditEvent> Events { get; } = [];

    public ValueTask WriteAsync(LlmAuditEvent auditEvent, CancellationToken cancellationToken = default)
    {
        lock (Events)
        {
            Events.Add(auditEvent);
        }

        return default;
    }
}
