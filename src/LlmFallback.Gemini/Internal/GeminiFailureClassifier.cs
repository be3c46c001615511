namespace LlmFallback.Gemini;

/// <summary>The Gemini provider type's classifier: the adapter's own argument checks are bad requests (see <see cref="GeminiErrors.Classify"/>).</summary>
internal sealed class GeminiFailureClassifier : ILlmFailureClassifier
{
    public static readonly GeminiFailureClassifier Instance = new();

    public LlmFailure? Classify(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return GeminiErrors.Classify(exception);
    }
}
