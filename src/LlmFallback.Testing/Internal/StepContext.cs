namespace LlmFallback.Testing.Internal;

/// <summary>What a step may know about the call it serves.</summary>
/// <param name="Index">The call's zero-based number on its client.</param>
/// <param name="Time">The client's clock.</param>
/// <param name="SinceStart">How long after the client was created the call arrived.</param>
/// <param name="RequestedModel">The model the caller asked for, echoed when the step names none.</param>
internal sealed record StepContext(int Index, TimeProvider Time, TimeSpan SinceStart, string? RequestedModel)
{
    /// <summary>Gets the id of the response this call produces.</summary>
    public string ResponseId => $"scripted-{Index}";
}
