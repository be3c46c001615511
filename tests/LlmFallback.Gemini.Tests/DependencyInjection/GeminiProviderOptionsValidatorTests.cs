namespace LlmFallback.Gemini.Tests;

public class GeminiProviderOptionsValidatorTests
{
    [Fact]
    public void Validate_NoKeyAnywhere_FailsNamingTheKeyAndTheVariables()
    {
        var registration = new GeminiRegistration(null, "Llm");
        var validator = new GeminiProviderOptionsValidator(registration, _ => null);

        var result = validator.Validate("gem", new LlmProviderOptions { Type = "gemini", Model = "gemini-2.5-flash" });

        Assert.True(result.Failed);
        Assert.Equal(
            "Llm:Providers:gem:ApiKey is required for a Gemini provider: set it (from a secret store, not a committed file) or the GEMINI_API_KEY or GOOGLE_API_KEY environment variable.",
            Assert.Single(result.Failures!));
    }

    [Fact]
    public void Validate_KeyFromEnvironment_Succeeds()
    {
        var validator = new GeminiProviderOptionsValidator(new GeminiRegistration(null, "Llm"), name => name == "GOOGLE_API_KEY" ? "env-key" : null);

        Assert.True(validator.Validate("gem", new LlmProviderOptions { Type = "Gemini", Model = "gemini-2.5-flash" }).Succeeded);
    }

    [Fact]
    public void Validate_OtherProviderTypes_AreSkipped()
    {
        var validator = new GeminiProviderOptionsValidator(new GeminiRegistration(null, "Llm"), _ => null);

        Assert.True(validator.Validate("openai", new LlmProviderOptions { Type = "OpenAI" }).Skipped);
    }
}
