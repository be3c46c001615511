using LlmFallback.Gemini;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace LlmFallback.Gemini;

/// <summary>What <c>AddGemini</c> registered once per service collection: the providers it made HTTP clients for.</summary>
internal sealed class GeminiRegistration(IConfiguration? configuration, string configurationPath)
{
    private readonly HashSet<string> _providers = new(StringComparer.OrdinalIgnoreCase);

    public IConfiguration? Configuration { get; } = configuration;

    public string ConfigurationPath { get; } = configurationPath;

    public GeminiCapabilityDefaults Defaults { get; } = new(configuration);

    /// <summary>Returns <see langword="true"/> the first time a provider name is seen.</summary>
    public bool Add(string name) => _providers.Add(name);

    public string PathOf(string name) => $"{ConfigurationPath}:Providers:{name}";

    public static bool IsGemini(string? type) =>
        string.Equals(type, Microsoft.Extensions.DependencyInjection.GeminiLlmProvidersBuilderExtensions.ProviderType, StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// Fills capabilities a Gemini provider's configuration left unset: vision and JSON schema are on (every Gemini model
/// has them), and the context window and output limit come from the model. Values set in configuration or in code win.
/// </summary>
internal sealed class GeminiCapabilityDefaults(IConfiguration? configuration) : IConfigureNamedOptions<LlmProviderOptions>, IPostConfigureOptions<LlmProviderOptions>
{
    public void Configure(LlmProviderOptions options) => Configure(Options.DefaultName, options);

    public void Configure(string? name, LlmProviderOptions options)
    {
        if (GeminiRegistration.IsGemini(options.Type))
        {
            ApplyFlags(name, options);
        }
    }

    /// <summary>Runs after configuration binding and before code-first configuration, so both can override it.</summary>
    public void ApplyFlags(string? name, LlmProviderOptions options)
    {
        if (options.Capabilities is not { } capabilities)
        {
            return;
        }

        var section = name is null ? null : configuration?.GetSection("Providers").GetSection(name).GetSection("Capabilities");
        if (section?["Vision"] is null)
        {
            capabilities.Vision = true;
        }

        if (section?["JsonSchema"] is null)
        {
            capabilities.JsonSchema = true;
        }

        // PrefillContinuation stays false (the core default): the API reference does not document continuing a
        // trailing "model" turn, and newer models reject such requests with 400 INVALID_ARGUMENT.
    }

    /// <summary>Runs last, once the model is known; only fills limits nobody set.</summary>
    public void PostConfigure(string? name, LlmProviderOptions options)
    {
        if (!GeminiRegistration.IsGemini(options.Type) || options.Model is not { } model || options.Capabilities is not { } capabilities
            || !GeminiModels.TryGetLimits(model, out var contextWindow, out var maxOutputTokens))
        {
            return;
        }

        capabilities.ContextWindow ??= contextWindow;
        capabilities.MaxOutputTokens ??= maxOutputTokens;
    }
}

/// <summary>Binds <see cref="GeminiOptions"/> of provider <c>name</c> from <c>Providers:&lt;name&gt;</c>, the section its core options come from.</summary>
internal sealed class GeminiOptionsBinder(IConfiguration configuration) : IConfigureNamedOptions<GeminiOptions>
{
    public void Configure(GeminiOptions options) => Configure(Options.DefaultName, options);

    public void Configure(string? name, GeminiOptions options)
    {
        if (!string.IsNullOrEmpty(name))
        {
            configuration.GetSection("Providers").GetSection(name).Bind(options);
        }
    }
}

/// <summary>Validates what a Gemini provider needs at start: a model and a key. Messages name the configuration key, never a value of a secret.</summary>
internal sealed class GeminiProviderOptionsValidator(GeminiRegistration registration, Func<string, string?> environment) : IValidateOptions<LlmProviderOptions>
{
    public ValidateOptionsResult Validate(string? name, LlmProviderOptions options)
    {
        if (name is null || !GeminiRegistration.IsGemini(options.Type))
        {
            return ValidateOptionsResult.Skip;
        }

        var path = registration.PathOf(name);
        List<string>? errors = null;
        if (GeminiNames.ValidateModel(options.Model) is { } modelError)
        {
            (errors ??= []).Add($"{path}:Model {modelError}");
        }

        if (GeminiApiKey.Resolve(options.ApiKey, environment) is null)
        {
            (errors ??= []).Add($"{path}:ApiKey is required for a Gemini provider: set it (from a secret store, not a committed file) or the GEMINI_API_KEY or GOOGLE_API_KEY environment variable.");
        }

        return errors is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>Validates <see cref="GeminiOptions"/> with messages that name the configuration key.</summary>
internal sealed class GeminiOptionsValidator(GeminiRegistration registration) : IValidateOptions<GeminiOptions>
{
    public ValidateOptionsResult Validate(string? name, GeminiOptions options)
    {
        if (string.IsNullOrEmpty(name))
        {
            return ValidateOptionsResult.Skip;
        }

        return GeminiNames.ValidateApiVersion(options.ApiVersion) is { } error
            ? ValidateOptionsResult.Fail($"{registration.PathOf(name)}:ApiVersion {error}")
            : ValidateOptionsResult.Success;
    }
}
