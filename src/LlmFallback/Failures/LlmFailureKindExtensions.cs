namespace LlmFallback;

/// <summary>Names of <see cref="LlmFailureKind"/> values as LlmFallback's telemetry writes them.</summary>
public static class LlmFailureKindExtensions
{
    /// <summary>
    /// Gets the snake_case name of a failure kind (<c>rate_limited</c>, <c>server_error</c>, <c>context_length_exceeded</c>…),
    /// the value of the <c>error.type</c> tag and the <c>llmfallback.outcome</c> tag; <c>unknown</c> for a value that is
    /// not defined.
    /// </summary>
    /// <param name="kind">The failure kind.</param>
    /// <returns>The name.</returns>
    public static string ToSnakeCaseName(this LlmFailureKind kind) => LlmFallbackDiagnostics.KindName(kind);
}
