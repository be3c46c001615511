namespace LlmFallback.OpenAI;

/// <summary>Marks a service collection in which <c>AddOpenAI</c> has run, so that repeated calls add nothing twice.</summary>
internal sealed class OpenAIRegistrationState;
