namespace LlmFallback;

/// <summary>What an <see cref="IModerationService"/> found in a text.</summary>
public sealed class ModerationResult
{
    /// <summary>Initializes a new instance of the <see cref="ModerationResult"/> class.</summary>
    /// <param name="hits">The categories the text belongs to.</param>
    public ModerationResult(IReadOnlyList<ModerationHit> hits)
    {
        ArgumentNullException.ThrowIfNull(hits);
        Hits = hits;
    }

    /// <summary>Gets the result of a text that belongs to no category. Shared; allocation-free.</summary>
    public static ModerationResult Clean { get; } = new([]);

    /// <summary>Gets the categories the text belongs to.</summary>
    public IReadOnlyList<ModerationHit> Hits { get; }

    /// <summary>Gets a value indicating whether the text belongs to any category.</summary>
    public bool IsFlagged => Hits.Count > 0;
}

/// <summary>One category a text was found to belong to.</summary>
/// <param name="Category">The category, such as <c>violence</c> or <c>prompt_injection</c>.</param>
/// <param name="Score">The service's confidence, 0 to 1 (1 for a rule match).</param>
public readonly record struct ModerationHit(string Category, double Score);

/// <summary>A moderation category that was flagged (not blocked) on a call; see <see cref="LlmSafetyReport.ModerationFlags"/>.</summary>
/// <param name="Category">The category.</param>
/// <param name="Side">Whether it was found in the input or the output.</param>
/// <param name="Score">The service's confidence.</param>
public readonly record struct ModerationFlag(string Category, LlmContentSide Side, double Score);
