using LlmFallback.Testing;
using Microsoft.Extensions.AI;

/// <summary>
/// A simulated provider whose behaviour the tour switches between scenes: each behaviour is a step from
/// LlmFallback.Testing (an answer, an HTTP error, a stream cut mid-answer...), played for every call until changed.
/// </summary>
internal sealed class SimulatedProvider(string model) : IChatClient
{
    private ScriptedChatClient _script = ScriptedChatClient.Always(Script.Answer("(simulated answer)", model));

    public string Model { get; } = model;

    public int CallCount { get; private set; }

    /// <summary>Gets the text of the last user message this provider received (what left the process).</summary>
    public string? LastPrompt { get; private set; }

    /// <summary>Sets what every following call does.</summary>
    public ScriptStep Behaviour
    {
        set => _script = ScriptedChatClient.Always(value);
    }

    /// <summary>Answers every following call with <paramref name="text"/>, as this provider's model.</summary>
    public void Answers(string text) => Behaviour = Script.Answer(text, Model);

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Record(messages);
        return _script.GetResponseAsync(messages, options, cancellationToken);
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Record(messages);
        return _script.GetStreamingResponseAsync(messages, options, cancellationToken);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose() => _script.Dispose();

    private void Record(IEnumerable<ChatMessage> messages)
    {
        CallCount++;
        foreach (var message in messages)
        {
            if (message.Role == ChatRole.User)
            {
                LastPrompt = message.Text;
            }
        }
    }
}
