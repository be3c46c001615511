using Microsoft.Extensions.Options;

namespace LlmFallback;

/// <summary>Validates each named provider's options with messages that name the configuration key.</summary>
internal sealed class LlmProviderOptionsValidator(IEnumerable<LlmProviderRegistration> registrations) : IValidateOptions<LlmProviderOptions>
{
    private readonly Dictionary<string, string> _paths = Paths(registrations);

    public ValidateOptionsResult Validate(string? name, LlmProviderOptions options)
    {
        if (name is null || !_paths.TryGetValue(name, out var path))
        {
            return ValidateOptionsResult.Skip;
        }

        var errors = new List<string>();
        LlmOptionsValidation.ValidateProvider(options, path, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static Dictionary<string, string> Paths(IEnumerable<LlmProviderRegistration> registrations)
    {
        var paths = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var r in registrations)
        {
            paths.TryAdd(r.Name, r.ConfigurationPath);
        }

        return paths;
    }
}

/// <summary>
/// Validates <see cref="FallbackOptions"/> with messages that name the configuration key, including that every name in
/// <c>Chain</c> and <c>ContextWindowFallbacks</c> is a registered provider, so a typo fails the host's start rather than
/// the first resolution of the chat client.
/// </summary>
internal sealed class FallbackOptionsValidator(string prefix, IEnumerable<LlmProviderRegistration> registrations) : IValidateOptions<FallbackOptions>
{
    private readonly List<string> _registered = Distinct(registrations);

    public ValidateOptionsResult Validate(string? name, FallbackOptions options)
    {
        var errors = new List<string>();
        LlmOptionsValidation.ValidateFallback(options, prefix, errors);
        Registered(options.Chain, $"{prefix}:Chain", errors);
        Registered(options.ContextWindowFallbacks, $"{prefix}:ContextWindowFallbacks", errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private void Registered(IList<string>? names, string key, List<string> errors)
    {
        if (names is null)
        {
            return;
        }

        for (var i = 0; i < names.Count; i++)
        {
            if (!string.IsNullOrWhiteSpace(names[i]) && !_registered.Contains(names[i], StringComparer.OrdinalIgnoreCase))
            {
                errors.Add(LlmProviderRegistry.NotRegistered(key, i, names[i], _registered));
            }
        }
    }

    private static List<string> Distinct(IEnumerable<LlmProviderRegistration> registrations)
    {
        var names = new List<string>();
        foreach (var r in registrations)
        {
            if (!names.Contains(r.Name, StringComparer.OrdinalIgnoreCase))
            {
                names.Add(r.Name);
            }
        }

        return names;
    }
}

/// <summary>Validates <see cref="LlmRetryBudgetOptions"/> with messages that name the configuration key.</summary>
internal sealed class LlmRetryBudgetOptionsValidator(string prefix) : IValidateOptions<LlmRetryBudgetOptions>
{
    public ValidateOptionsResult Validate(string? name, LlmRetryBudgetOptions options)
    {
        var errors = new List<string>();
        LlmOptionsValidation.ValidateRetryBudget(options, prefix, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
