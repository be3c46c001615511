namespace LlmFallback;

/// <summary>
/// A copy of an exception made by <see cref="LlmSecrets.Scrub(Exception, ReadOnlySpan{string?})"/>: the original type's
/// name, its message and stack trace without credentials, and the same of its inner exceptions; nothing else of the
/// original (no data, no response object).
/// </summary>
internal sealed class LlmScrubbedException : Exception
{
    private readonly string? _stackTrace;

    public LlmScrubbedException(string originalType, string message, string? stackTrace, Exception? innerException)
        : base(message, innerException)
    {
        OriginalType = originalType;
        _stackTrace = stackTrace;
    }

    /// <summary>Gets the full name of the type of the exception this copies.</summary>
    public string OriginalType { get; }

    public override string? StackTrace => _stackTrace;

    /// <summary>Reads like the original's <see cref="Exception.ToString"/>, under the original type's name.</summary>
    public override string ToString()
    {
        var text = OriginalType + " (credentials removed): " + Message;
        if (InnerException is { } inner)
        {
            text += " ---> " + inner + Environment.NewLine + "   --- End of inner exception stack trace ---";
        }

        return _stackTrace is null ? text : text + Environment.NewLine + _stackTrace;
    }
}
