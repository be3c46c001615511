namespace LlmFallback;

/// <summary>
/// Who answered a request and how: provider, model, every attempt, why the request left its first provider, and
/// whether a failed stream was rescued. Read it with <see cref="LlmCallInfoExtensions.GetLlmCallInfo(Microsoft.Extensions.AI.ChatResponse)"/>.
/// </summary>
public sealed partial class LlmCallInfo
{
    /// <summary>The key under which the fallback stage stores this object in <c>AdditionalProperties</c>.</summary>
    public const string AdditionalPropertiesKey = "llmfallback.call";

    private const int RescuedFlag = 1 << 8;
    private const int CountShift = 16;

    // Kept small on purpose: the common case (first provider, first attempt) allocates only this object,
    // and the attempt list is built on demand.
    private readonly string _provider;
    private readonly string? _modelId;
    private readonly long _durationTicks;
    private readonly int _packed;
    private IReadOnlyList<LlmAttempt>? _attempts;

    // What the stages outside the fallback stage add on the way back (route, cache, cost, safety); allocated only
    // when one of them has something to say, so a bare fallback call pays one null field.
    private LlmCallAnnotations? _annotations;

    internal LlmCallInfo(string provider, string? modelId, TimeSpan duration)
    {
        _provider = provider;
        _modelId = modelId;
        _durationTicks = duration.Ticks;
        _packed = 1 << CountShift;
    }

    internal LlmCallInfo(string provider, string? modelId, IReadOnlyList<LlmAttempt> attempts, int attemptCount, LlmFailureKind? fallbackReason, bool rescued)
    {
        _provider = provider;
        _modelId = modelId;
        _attempts = attempts;
        _packed = (attemptCount << CountShift) | (rescued ? RescuedFlag : 0) | (fallbackReason is { } r ? (int)r : 0);
    }

    /// <summary>Gets the name of the provider that answered.</summary>
    public string Provider => _provider;

    /// <summary>Gets the model that answered, as the provider reported it (or as configured if it did not).</summary>
    public string? ModelId => _modelId;

    /// <summary>Gets how many provider calls were made (skipped providers are not calls).</summary>
    public int AttemptCount => _packed >>> CountShift;

    /// <summary>Gets why the request left its first provider, or <see langword="null"/> if the first provider answered.</summary>
    public LlmFailureKind? FallbackReason => (_packed & 0xFF) is var r and > 0 ? (LlmFailureKind)r : null;

    /// <summary>Gets a value indicating whether a provider other than the first in the chain answered.</summary>
    public bool IsFallback => FallbackReason is not null;

    /// <summary>Gets a value indicating whether a stream that failed after output was committed was continued by another provider.</summary>
    public bool Rescued => (_packed & RescuedFlag) != 0;

    /// <summary>Gets every attempt, in order, including skipped providers; the last is the one that answered.</summary>
    public IReadOnlyList<LlmAttempt> Attempts =>
        _attempts ??= [new LlmAttempt(_provider, _modelId, null, TimeSpan.FromTicks(_durationTicks), LlmAttemptDecision.Answered)];

    /// <summary>Gets the stages' annotations, creating them on first use.</summary>
    internal LlmCallAnnotations Annotations => _annotations ??= new();

    /// <summary>Gets the stages' annotations if any stage added one.</summary>
    internal LlmCallAnnotations? AnnotationsOrNull => _annotations;

    /// <summary>Describes the call without any message content.</summary>
    /// <returns>A log-safe description.</returns>
    public override string ToString() =>
        FallbackReason is { } reason
            ? $"{_provider} ({_modelId}) answered after {AttemptCount} attempts; fell back because of {reason}{(Rescued ? "; stream rescued" : string.Empty)}"
            : $"{_provider} ({_modelId}) answered";
}

/// <summary>
/// What the stages outside the fallback stage record about a call. Each feature adds its fields in its own
/// <c>partial</c> file next to its <see cref="LlmCallInfo"/> properties (for example <c>LlmCallInfo.Caching.cs</c>).
/// </summary>
internal sealed partial class LlmCallAnnotations
{
}
