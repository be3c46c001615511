namespace LlmFallback;

/// <content>The safety stages' annotations: personal data handled and moderation flags.</content>
public sealed partial class LlmCallInfo
{
    /// <summary>Gets what the moderation and PII stages did to this call, or <see langword="null"/> if they had nothing to report.</summary>
    public LlmSafetyReport? Safety => AnnotationsOrNull?.Safety;
}

/// <content>The safety stages' annotation.</content>
internal sealed partial class LlmCallAnnotations
{
    internal LlmSafetyReport? Safety { get; set; }
}
