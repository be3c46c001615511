namespace LlmFallback.OpenAI;

/// <summary>How <see cref="OpenAIModerationService"/> calls OpenAI's moderation endpoint. Bound from <c>Llm:Moderation:OpenAI</c>.</summary>
public sealed class OpenAIModerationOptions
{
    /// <summary>Gets or sets the moderation model.</summary>
    /// <value>The default is <c>omni-moderation-latest</c>.</value>
    public string Model { get; set; } = "omni-moderation-latest";

    /// <summary>Gets or sets the API key. Keep it out of committed files: prefer <see cref="ApiKeyEnvironmentVariable"/> or a secret store.</summary>
    /// <value>The default is <see langword="null"/>: the key is read from <see cref="ApiKeyEnvironmentVariable"/>.</value>
    public string? ApiKey { get; set; }

    /// <summary>Gets or sets the environment variable the key is read from when <see cref="ApiKey"/> is not set.</summary>
    /// <value>The default is <c>OPENAI_API_KEY</c>.</value>
    public string ApiKeyEnvironmentVariable { get; set; } = "OPENAI_API_KEY";

    /// <summary>Gets or sets the base address (an OpenAI-compatible server, a proxy).</summary>
    /// <value>The default is <see langword="null"/>: OpenAI's own.</value>
    public Uri? Endpoint { get; set; }

    /// <summary>
    /// Gets or sets score thresholds per category (<c>violence</c>, <c>harassment/threatening</c>, ...): a category whose
    /// score reaches its threshold is reported even when OpenAI did not flag it. Categories without one follow OpenAI's flag.
    /// </summary>
    /// <value>The default is empty.</value>
    public IDictionary<string, double> Thresholds { get; set; } = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Gets or sets a value indicating whether personal data is replaced by its type (<c>[EMAIL]</c>,
    /// <c>[CREDIT_CARD]</c>) before the text leaves for OpenAI. The moderation endpoint is a provider like any other,
    /// and no moderation category depends on the value of an e-mail address or a card number. Values are found by the
    /// <see cref="PiiDetector"/> registered with <c>AddPiiRedaction</c> (its entity types, patterns and minimum
    /// score), or by <see cref="PiiDetector.Default"/> when none is registered.
    /// </summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool RedactPii { get; set; } = true;

    internal static void Validate(OpenAIModerationOptions options, string prefix, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(options.Model))
        {
            errors.Add($"{prefix}:Model must name a moderation model.");
        }

        if (options.Endpoint is { } endpoint && (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps)))
        {
            errors.Add($"{prefix}:Endpoint must be an absolute http or https address.");
        }

        if (options.Thresholds is null)
        {
            errors.Add($"{prefix}:Thresholds must not be null.");
            return;
        }

        foreach (var (category, threshold) in options.Thresholds)
        {
            if (!(threshold > 0 && threshold <= 1))
            {
                errors.Add($"{prefix}:Thresholds:{category} must be greater than 0 and at most 1 (was {threshold.ToString(System.Globalization.CultureInfo.InvariantCulture)}).");
            }
        }
    }
}
