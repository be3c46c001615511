using Microsoft.Extensions.Options;

namespace LlmFallback;

/// <summary>
/// A start-time check with no values of its own: validating it (through <c>ValidateOnStart</c>) checks that every
/// provider declared without a code-first factory names a registered adapter type.
/// </summary>
internal sealed class LlmProviderTypeCheck;

/// <summary>
/// Fails the host's start when a provider's <c>Type</c> is missing or names no registered adapter, instead of failing
/// the first request. Messages name the configuration key and the registered types.
/// </summary>
internal sealed class LlmProviderTypeValidator(
    IEnumerable<LlmProviderRegistration> registrations,
    IEnumerable<LlmProviderTypeRegistration> types,
    IOptionsMonitor<LlmProviderOptions> options) : IValidateOptions<LlmProviderTypeCheck>
{
    public ValidateOptionsResult Validate(string? name, LlmProviderTypeCheck value)
    {
        var typeMap = LlmProviderRegistry.TypeMap(types);
        var ordered = new List<LlmProviderRegistration>();
        var withFactory = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var registration in registrations)
        {
            if (seen.Add(registration.Name))
            {
                ordered.Add(registration);
            }

            if (registration.Factory is not null)
            {
                withFactory.Add(registration.Name);
            }
        }

        var errors = new List<string>();
        foreach (var registration in ordered)
        {
            if (withFactory.Contains(registration.Name))
            {
                continue;
            }

            string? type;
            try
            {
                type = options.Get(registration.Name).Type;
            }
            catch (OptionsValidationException)
            {
                // The provider's own validation reports its options.
                continue;
            }

            if (type is null)
            {
                errors.Add(LlmProviderRegistry.MissingType(registration.ConfigurationPath, typeMap));
            }
            else if (!typeMap.ContainsKey(type))
            {
                errors.Add(LlmProviderRegistry.UnknownType(registration.ConfigurationPath, type, typeMap));
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
