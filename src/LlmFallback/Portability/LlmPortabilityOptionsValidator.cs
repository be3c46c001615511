using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace LlmFallback;

/// <summary>
/// Validates <see cref="LlmPortabilityOptions"/>. A provider's options (named after it) are named by the key they came
/// from: <c>Llm:Providers:&lt;name&gt;:Portability:…</c> when that section sets it, else <c>Llm:Portability:…</c>.
/// </summary>
internal sealed class LlmPortabilityOptionsValidator(IConfiguration? configuration, string configurationPath) : IValidateOptions<LlmPortabilityOptions>
{
    public ValidateOptionsResult Validate(string? name, LlmPortabilityOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        LlmOptionsValidation.Defined(options.ForeignReasoning, Key(name, nameof(LlmPortabilityOptions.ForeignReasoning)), errors);
        LlmOptionsValidation.Defined(options.UnknownOrigin, Key(name, nameof(LlmPortabilityOptions.UnknownOrigin)), errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private string Key(string? name, string property)
    {
        var global = $"{configurationPath}:Portability:{property}";
        if (string.IsNullOrEmpty(name))
        {
            return global;
        }

        var provider = $"{configurationPath}:Providers:{name}:Portability:{property}";
        var own = configuration?.GetSection("Providers").GetSection(name).GetSection("Portability")[property];
        var shared = configuration?.GetSection("Portability")[property];
        return own is null && shared is not null ? global : provider;
    }
}

/// <summary>Binds <c>Portability</c>, then, for a provider's named options, <c>Providers:&lt;name&gt;:Portability</c> over it.</summary>
internal sealed class LlmPortabilityOptionsBinder(IConfiguration configuration) : IConfigureNamedOptions<LlmPortabilityOptions>
{
    public void Configure(string? name, LlmPortabilityOptions options)
    {
        configuration.GetSection("Portability").Bind(options);
        if (!string.IsNullOrEmpty(name))
        {
            configuration.GetSection("Providers").GetSection(name).GetSection("Portability").Bind(options);
        }
    }

    public void Configure(LlmPortabilityOptions options) => Configure(Options.DefaultName, options);
}
