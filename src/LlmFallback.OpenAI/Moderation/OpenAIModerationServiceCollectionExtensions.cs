using LlmFallback;
using LlmFallback.OpenAI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers OpenAI's moderation endpoint as the moderation service.</summary>
public static class OpenAIModerationServiceCollectionExtensions
{
    /// <summary>
    /// The name of the <see cref="HttpClient"/> the service calls through; add handlers or a proxy with
    /// <c>services.AddHttpClient(name)</c>. Not an <c>LlmFallback.*</c> provider client: it has no replica pool, and the
    /// moderation stage's timeout, not the client's, bounds a call.
    /// </summary>
    public const string HttpClientName = "OpenAIModeration";

    /// <summary>
    /// Registers <see cref="OpenAIModerationService"/> as the <see cref="IModerationService"/> (a singleton), its options
    /// bound from <c>Moderation:OpenAI</c> under <paramref name="configuration"/> (the <c>Llm</c> section) and validated
    /// at start. Use it with <c>AddModeration</c> and <c>UseModeration()</c>. Text is sent with personal data replaced by
    /// its type, found by the <see cref="PiiDetector"/> <c>AddPiiRedaction</c> registers (or the default detector);
    /// <see cref="OpenAIModerationOptions.RedactPii"/> turns that off.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The <c>Llm</c> section, or <see langword="null"/>.</param>
    /// <param name="configure">Adjusts the options after configuration.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddOpenAIModeration(this IServiceCollection services, IConfiguration? configuration = null, Action<OpenAIModerationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var path = (configuration is IConfigurationSection section ? section.Path : "Llm") + ":Moderation:OpenAI";
        var builder = services.AddOptions<OpenAIModerationOptions>();
        if (configuration is not null)
        {
            var child = configuration.GetSection("Moderation:OpenAI");
            builder.Configure(o => child.Bind(o));
        }

        if (configure is not null)
        {
            builder.Configure(configure);
        }

        builder.ValidateOnStart();
        services.AddSingleton<IValidateOptions<OpenAIModerationOptions>>(new Validator(path));
        services.AddHttpClient(HttpClientName);
        services.AddLlmAudit();
        services.AddSingleton<IModerationService>(static sp => OpenAIModerationService.Create(
            sp.GetRequiredService<IOptions<OpenAIModerationOptions>>().Value,
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName),
            sp.GetService<PiiDetector>()));
        return services;
    }

    private static List<string> Errors(OpenAIModerationOptions options, string path)
    {
        var errors = new List<string>();
        OpenAIModerationOptions.Validate(options, path, errors);
        return errors;
    }

    private sealed class Validator(string path) : IValidateOptions<OpenAIModerationOptions>
    {
        public ValidateOptionsResult Validate(string? name, OpenAIModerationOptions options)
        {
            var errors = Errors(options, path);
            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }
    }
}
