namespace LlmFallback;

/// <summary>
/// What the safety stages did to one call: personal data handled (by entity type, action and side, with counts, never
/// values) and moderation flags. Read it with <see cref="LlmCallInfo.Safety"/> when the call went through the fallback
/// stage, or with <see cref="LlmSafetyReportExtensions.GetLlmSafetyReport(Microsoft.Extensions.AI.ChatResponse)"/>,
/// which works with or without it.
/// </summary>
/// <remarks>
/// A response with an <see cref="LlmCallInfo"/> carries the report there; a response without one (a safety stage used
/// over a bare client) carries it in <c>AdditionalProperties</c> under <see cref="AdditionalPropertiesKey"/>. A stream
/// carries it on the update that carries <see cref="LlmCallInfo"/>, or else on one trailing update with no content,
/// so <c>ToChatResponse()</c> keeps it. Calls on which no stage had anything to report carry no report.
/// </remarks>
public sealed class LlmSafetyReport
{
    /// <summary>The <c>AdditionalProperties</c> key of a report on a response or update that has no <see cref="LlmCallInfo"/>.</summary>
    public const string AdditionalPropertiesKey = "llmfallback.safety";

    private readonly List<PiiActionCount> _pii = [];
    private readonly List<ModerationFlag> _flags = [];

    /// <summary>Gets the personal data handled, one entry per entity type, action and side.</summary>
    public IReadOnlyList<PiiActionCount> Pii => _pii;

    /// <summary>Gets the moderation categories that were flagged (blocked calls end in a <see cref="ModerationException"/> instead).</summary>
    public IReadOnlyList<ModerationFlag> ModerationFlags => _flags;

    /// <summary>Gets a value indicating whether moderation could not run and the call went on because moderation fails open.</summary>
    public bool ModerationSkipped { get; internal set; }

    /// <summary>Gets how many values of an entity type were found, over every action and side.</summary>
    /// <param name="entityType">The entity type, such as <see cref="PiiEntityTypes.Email"/>.</param>
    /// <returns>The count; 0 if none.</returns>
    public int GetPiiCount(string entityType)
    {
        ArgumentNullException.ThrowIfNull(entityType);
        var total = 0;
        foreach (var entry in _pii)
        {
            if (string.Equals(entry.EntityType, entityType, StringComparison.OrdinalIgnoreCase))
            {
                total += entry.Count;
            }
        }

        return total;
    }

    internal void AddPii(string entityType, PiiAction action, LlmContentSide side, int count)
    {
        for (var i = 0; i < _pii.Count; i++)
        {
            var entry = _pii[i];
            if (entry.Action == action && entry.Side == side && string.Equals(entry.EntityType, entityType, StringComparison.Ordinal))
            {
                _pii[i] = entry with { Count = entry.Count + count };
                return;
            }
        }

        _pii.Add(new PiiActionCount(entityType, action, side, count));
    }

    internal void AddFlag(ModerationFlag flag)
    {
        foreach (var existing in _flags)
        {
            if (existing.Side == flag.Side && string.Equals(existing.Category, flag.Category, StringComparison.Ordinal))
            {
                return;
            }
        }

        _flags.Add(flag);
    }

    /// <summary>Adds this report's entries to <paramref name="into"/> (two stages that reported separately on one stream).</summary>
    internal void MergeInto(LlmSafetyReport into)
    {
        foreach (var pii in _pii)
        {
            into.AddPii(pii.EntityType, pii.Action, pii.Side, pii.Count);
        }

        foreach (var flag in _flags)
        {
            into.AddFlag(flag);
        }

        into.ModerationSkipped |= ModerationSkipped;
    }

    /// <summary>Describes the report without any content or value.</summary>
    /// <returns>A log-safe description.</returns>
    public override string ToString() =>
        $"{_pii.Count} PII entries, {_flags.Count} moderation flags{(ModerationSkipped ? ", moderation skipped" : string.Empty)}";
}

/// <summary>How many values of one entity type a PII stage handled with one action on one side.</summary>
/// <param name="EntityType">The entity type, such as <see cref="PiiEntityTypes.Email"/>.</param>
/// <param name="Action">What was done.</param>
/// <param name="Side">The side the values were found on.</param>
/// <param name="Count">How many values (a value repeated counts each time).</param>
public readonly record struct PiiActionCount(string EntityType, PiiAction Action, LlmContentSide Side, int Count);
