namespace LlmFallback;

/// <summary>Turns an exception thrown by a provider's client into an <see cref="LlmFailure"/>.</summary>
/// <remarks>
/// Each provider has an ordered list of classifiers (its adapter's first, then any the application adds);
/// the first that returns a failure wins, and <see cref="LlmFailureClassifier.Default"/> decides the rest.
/// Classifiers are called only on the failure path, never for successful calls.
/// </remarks>
public interface ILlmFailureClassifier
{
    /// <summary>Classifies <paramref name="exception"/>.</summary>
    /// <param name="exception">The exception thrown by the provider's client.</param>
    /// <returns>The classification, or <see langword="null"/> if this classifier does not recognise the exception.</returns>
    LlmFailure? Classify(Exception exception);
}
