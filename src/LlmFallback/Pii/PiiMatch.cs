namespace LlmFallback;

/// <summary>A value <see cref="PiiDetector"/> found: its type, where it is, and how sure the detector is.</summary>
/// <param name="EntityType">The entity type, such as <see cref="PiiEntityTypes.Email"/>.</param>
/// <param name="Start">The index of its first character.</param>
/// <param name="Length">Its length in characters.</param>
/// <param name="Score">The confidence, 0 to 1: validation (checksums) and context words raise it.</param>
public readonly record struct PiiMatch(string EntityType, int Start, int Length, double Score)
{
    /// <summary>Gets the index just past its last character.</summary>
    public int End => Start + Length;
}
