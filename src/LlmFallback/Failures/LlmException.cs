namespace LlmFallback;

/// <summary>The base class of every exception LlmFallback throws for a failed LLM call.</summary>
/// <remarks>
/// Messages hold only facts the library classified (provider names, failure classes, status codes, durations);
/// never provider-supplied text, prompts, or credentials. The provider's own exceptions are reachable through
/// <see cref="Attempts"/> and <see cref="Exception.InnerException"/>.
/// </remarks>
public abstract class LlmException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="LlmException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="attempts">The attempts made while serving the request.</param>
    /// <param name="innerException">The underlying exception, if any.</param>
    protected LlmException(string message, IReadOnlyList<LlmAttempt>? attempts, Exception? innerException)
        : base(message, innerException)
    {
        Attempts = attempts ?? [];
    }

    /// <summary>Gets every attempt made while serving the request, in order, including skipped providers.</summary>
    public IReadOnlyList<LlmAttempt> Attempts { get; internal set; }
}
