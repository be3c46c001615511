namespace LlmFallback;

/// <summary>
/// A call was stopped because it held personal data of a type whose action is <see cref="PiiAction.Reject"/>.
/// Names the types and the side, never the values.
/// </summary>
public sealed class PiiDetectedException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="PiiDetectedException"/> class.</summary>
    /// <param name="side">Whether the input or the output held the data.</param>
    /// <param name="entityTypes">The rejected types.</param>
    public PiiDetectedException(LlmContentSide side, IReadOnlyList<string> entityTypes)
        : base(BuildMessage(side, entityTypes))
    {
        Side = side;
        EntityTypes = entityTypes;
    }

    /// <summary>Gets whether the input or the output held the data.</summary>
    public LlmContentSide Side { get; }

    /// <summary>Gets the rejected entity types.</summary>
    public IReadOnlyList<string> EntityTypes { get; }

    private static string BuildMessage(LlmContentSide side, IReadOnlyList<string> entityTypes)
    {
        ArgumentNullException.ThrowIfNull(entityTypes);
        return side == LlmContentSide.Input
            ? $"The request holds personal data that may not be sent to a model: {string.Join(", ", entityTypes)}."
            : $"The answer holds personal data that may not be returned: {string.Join(", ", entityTypes)}.";
    }
}
