using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace LlmFallback;

/// <summary>
/// Registers and resolves an outer stage's options: bound from <c>&lt;Llm section&gt;:&lt;Feature&gt;</c>, adjusted in
/// code, validated at start with messages that name the configuration key.
/// </summary>
internal static class StageOptions
{
    /// <summary>Registers <typeparamref name="TOptions"/>: configuration, code, validation on start, and the key prefix.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The <c>Llm</c> section (the one given to <c>AddLlmProviders</c>), or <see langword="null"/>.</param>
    /// <param name="feature">The child section, such as <c>InputValidation</c>.</param>
    /// <param name="bind">Binds a section onto the options; a lambda at a concrete call site, so the binder generator sees the type.</param>
    /// <param name="configure">Code configuration, applied after configuration.</param>
    /// <param name="validate">Adds one message per invalid value, each naming its key under the given prefix.</param>
    public static void Add<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions>(
        IServiceCollection services,
        IConfiguration? configuration,
        string feature,
        Action<IConfiguration, TOptions> bind,
        Action<TOptions>? configure,
        Action<TOptions, string, List<string>> validate)
        where TOptions : class
    {
        var path = (configuration is IConfigurationSection section ? section.Path : "Llm") + ":" + feature;
        var builder = services.AddOptions<TOptions>();
        if (configuration is not null)
        {
            var child = configuration.GetSection(feature);
            builder.Configure(o => bind(child, o));
        }

        if (configure is not null)
        {
            builder.Configure(configure);
        }

        services.TryAddSingleton(new StageOptionsPath<TOptions>(path));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>>(new StageOptionsValidator<TOptions>(path, validate)));
        builder.ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddLlmAudit();
    }

    /// <summary>
    /// Makes the options a pipeline stage runs with: the registered ones (configuration and code, validated) when
    /// registered, else defaults; then <paramref name="configure"/>; then validated again.
    /// </summary>
    public static TOptions Resolve<TOptions>(
        IServiceProvider services,
        Action<TOptions>? configure,
        string feature,
        Action<TOptions, string, List<string>> validate)
        where TOptions : class, new()
    {
        var options = services.GetService<IOptionsFactory<TOptions>>()?.Create(Options.DefaultName) ?? new TOptions();
        if (configure is null)
        {
            return options;
        }

        configure(options);
        var path = services.GetService<StageOptionsPath<TOptions>>()?.Path ?? "Llm:" + feature;
        var errors = new List<string>();
        validate(options, path, errors);
        LlmOptionsValidation.ThrowIfAny(errors, nameof(configure));
        return options;
    }

    /// <summary>Validates options handed to a stage's constructor; messages name the keys under <c>Llm:&lt;Feature&gt;</c>.</summary>
    public static void ThrowIfInvalid<TOptions>(TOptions options, string feature, Action<TOptions, string, List<string>> validate, string paramName)
    {
        var errors = new List<string>();
        validate(options, "Llm:" + feature, errors);
        LlmOptionsValidation.ThrowIfAny(errors, paramName);
    }
}

/// <summary>The configuration path a stage's options were bound from, for messages that name keys.</summary>
/// <typeparam name="TOptions">The options type.</typeparam>
internal sealed record StageOptionsPath<TOptions>(string Path);

/// <summary>Validates a stage's options with messages that name the configuration key.</summary>
internal sealed class StageOptionsValidator<TOptions>(string path, Action<TOptions, string, List<string>> validate) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var errors = new List<string>();
        validate(options, path, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
