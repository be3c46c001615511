using System.Globalization;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LlmFallback.Redis;

/// <summary>Validates <see cref="LlmRedisOptions"/> with messages that name the configuration key (never its value).</summary>
internal sealed class LlmRedisOptionsValidator(string prefix, bool requireConfiguration) : IValidateOptions<LlmRedisOptions>
{
    public ValidateOptionsResult Validate(string? name, LlmRedisOptions options)
    {
        var errors = new List<string>();
        Validate(options, prefix, requireConfiguration, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    internal static void Validate(LlmRedisOptions options, string prefix, bool requireConfiguration, List<string> errors)
    {
        if (requireConfiguration && string.IsNullOrWhiteSpace(options.Configuration))
        {
            errors.Add($"{prefix}:Configuration is required: the Redis configuration string (host:port and options).");
        }
        else if (requireConfiguration && !Parses(options.Configuration!))
        {
            // Checked here, at start: otherwise the first connection fails for good and every request that touches a
            // budget or a rate limit throws. The parser's message is not repeated, since it quotes the string's values.
            errors.Add($"{prefix}:Configuration is not a valid StackExchange.Redis configuration string (an option is unknown or its value has the wrong type).");
        }

        if (options.KeyPrefix is null)
        {
            errors.Add($"{prefix}:KeyPrefix must not be null.");
        }

        Duration(options.OperationTimeout, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(1), $"{prefix}:OperationTimeout", errors);
        Duration(options.RetryInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1), $"{prefix}:RetryInterval", errors);
        Duration(options.HealthSyncInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10), $"{prefix}:HealthSyncInterval", errors);
    }

    private static bool Parses(string configuration)
    {
        try
        {
            _ = ConfigurationOptions.Parse(configuration);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void Duration(TimeSpan value, TimeSpan min, TimeSpan max, string key, List<string> errors)
    {
        if (value < min || value > max)
        {
            errors.Add($"{key} must be between {min.ToString("c", CultureInfo.InvariantCulture)} and {max.ToString("c", CultureInfo.InvariantCulture)} (was {value.ToString("c", CultureInfo.InvariantCulture)}).");
        }
    }
}
