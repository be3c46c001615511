using LlmFallback.Testing;
using Microsoft.Extensions.AI;

/// <summary>
/// A simulated provider whose behaviour the tour switches between scenes: each behaviour is a step from
/// LlmFallback.Testing (an answer, an HTTP error, a stream cut mid-answer...), played for every call until changed.
/// </summary>
internal sealed class SimulatedProvider(string model) : IChatClient
{
    private ScriptedChatClient _script = ScriptedChatClient.Always(Script.Answer("(healthy)", model));

    public int CallCount { get; private set; }

    /// <summary>Sets what every following call does.</summary>
    public ScriptStep Behaviour
    {
        set => _script = ScriptedChatClient.Always(value);
    }

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        CallCount++;
        return _script.GetResponseAsync(messages, options, cancellationToken);
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        CallCount++;
        return _script.GetStreamingResponseAsync(messages, options, cancellationToken);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose() => _script.Dispose();
}
