namespace LlmFallback;

/// <summary>What the cost-optimisation stage saved on the call.</summary>
public sealed partial class LlmCallInfo
{
    /// <summary>
    /// Gets the prompt tokens not sent thanks to prompt compaction, history reduction and selective context
    /// (<see cref="LlmContextSelection.RecordIn"/>), counted with the request model's tokenizer.
    /// </summary>
    /// <value><see langword="null"/> when the cost-optimisation stage did not see the call.</value>
    public long? TokensSaved => _annotations?.TokensSaved;
}

/// <summary>The cost-optimisation stage's annotations.</summary>
internal sealed partial class LlmCallAnnotations
{
    internal long? TokensSaved;
}
