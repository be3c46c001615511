using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace LlmFallback;

/// <summary>
/// Registers an outer stage's options the same way for every stage: bound from <c>&lt;root&gt;:&lt;feature&gt;</c>,
/// adjusted in code, validated at start with messages that name the key. The binding itself is passed in from the
/// stage's own code, where the configuration binder source generator sees the concrete options type.
/// </summary>
internal static class StageOptionsRegistration
{
    /// <summary>Adds the options and their validator; returns the configuration path of the LLM section (usually <c>Llm</c>).</summary>
    public static string Add<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions>(
        IServiceCollection services,
        IConfiguration? configuration,
        string feature,
        Action<IConfigurationSection, TOptions> bind,
        Action<TOptions>? configure,
        Func<string, IValidateOptions<TOptions>> validator)
        where TOptions : class
    {
        var root = configuration is IConfigurationSection section ? section.Path : "Llm";
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(new LlmStageConfigurationPath(root));
        var options = services.AddOptions<TOptions>();
        if (configuration is not null)
        {
            var own = configuration.GetSection(feature);
            options.Configure(o => bind(own, o));
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton(validator($"{root}:{feature}")));
        return root;
    }
}
