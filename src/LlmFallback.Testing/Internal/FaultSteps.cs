using Microsoft.Extensions.AI;

namespace LlmFallback.Testing.Internal;

/// <summary>Fails the way a native adapter fails on an HTTP error response.</summary>
internal sealed class StatusStep(int statusCode, TimeSpan? retryAfter, string? errorCode) : ScriptStep
{
    internal override Task<ChatResponse> RespondAsync(StepContext context, CancellationToken cancellationToken)
    {
        // The same classification a real adapter applies to what it read from the response.
        var failure = LlmFailureClassifier.FromHttpStatus(statusCode, errorCode, errorMessage: null, retryAfter);
        return Task.FromException<ChatResponse>(new LlmProviderException(failure.Kind, provider: null, statusCode, retryAfter, errorCode));
    }
}

/// <summary>Fails with an exception the test supplies.</summary>
internal sealed class ThrowStep(Func<Exception> exceptionFactory) : ScriptStep
{
    internal override Task<ChatResponse> RespondAsync(StepContext context, CancellationToken cancellationToken) =>
        Task.FromException<ChatResponse>(exceptionFactory() ?? throw new InvalidOperationException("The exception factory of Script.Throw returned null."));
}

/// <summary>Never answers: the call ends only when its token is cancelled.</summary>
internal sealed class HangStep : ScriptStep
{
    public static HangStep Instance { get; } = new();

    internal override Task<ChatResponse> RespondAsync(StepContext context, CancellationToken cancellationToken) =>
        ScriptTime.HangAsync<ChatResponse>(cancellationToken);
}
