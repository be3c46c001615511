using Microsoft.Extensions.Options;

namespace LlmFallback;

/// <summary>Validates <see cref="RoutingOptions"/> at start against the registered providers, with messages that name the configuration key.</summary>
internal sealed class RoutingOptionsValidator(IEnumerable<LlmProviderRegistration> registrations, string root) : IValidateOptions<RoutingOptions>
{
    private readonly HashSet<string> _providers = new(registrations.Select(static r => r.Name), StringComparer.OrdinalIgnoreCase);

    public ValidateOptionsResult Validate(string? name, RoutingOptions options)
    {
        var errors = new List<string>();
        RoutingValidation.Validate(options, _providers, root, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
