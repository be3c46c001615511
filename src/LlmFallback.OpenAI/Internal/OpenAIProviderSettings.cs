namespace LlmFallback.OpenAI;

/// <summary>A provider's effective adapter settings: explicit values first, then the type's and preset's defaults.</summary>
internal sealed class OpenAIProviderSettings
{
    private const string OpenAIKeyVariable = "OPENAI_API_KEY";
    private const string AzureKeyVariable = "AZURE_OPENAI_API_KEY";

    private OpenAIProviderSettings(string type, OpenAIPreset? preset, Uri? endpoint, string? apiKeyVariable, bool apiKeyRequired, OpenAIPrefillMode prefillMode)
    {
        Type = type;
        Preset = preset;
        Endpoint = endpoint;
        ApiKeyEnvironmentVariable = apiKeyVariable;
        ApiKeyRequired = apiKeyRequired;
        PrefillMode = prefillMode;
    }

    /// <summary>Gets the normalized adapter type.</summary>
    public string Type { get; }

    /// <summary>Gets the preset, when one is named and known.</summary>
    public OpenAIPreset? Preset { get; }

    /// <summary>Gets the base address requests are built from; <see langword="null"/> means the SDK's default (OpenAI).</summary>
    public Uri? Endpoint { get; }

    /// <summary>Gets the environment variable that supplies the key when none is configured.</summary>
    public string? ApiKeyEnvironmentVariable { get; }

    /// <summary>Gets a value indicating whether the provider cannot work without a key.</summary>
    public bool ApiKeyRequired { get; }

    /// <summary>Gets how a trailing assistant message is continued.</summary>
    public OpenAIPrefillMode PrefillMode { get; }

    public bool IsAzure => ReferenceEquals(Type, OpenAIProviderTypes.AzureOpenAI);

    /// <summary>Resolves the settings; returns <see langword="null"/> when the provider is not of an OpenAI type.</summary>
    public static OpenAIProviderSettings? Resolve(LlmProviderOptions options, OpenAIProviderOptions adapter)
    {
        var type = OpenAIProviderTypes.Normalize(options.Type);
        if (type is null)
        {
            return null;
        }

        var preset = ReferenceEquals(type, OpenAIProviderTypes.OpenAICompatible) ? OpenAIPreset.Find(adapter.Preset) : null;
        Uri? endpoint;
        string? keyVariable;
        bool keyRequired;
        if (ReferenceEquals(type, OpenAIProviderTypes.OpenAI))
        {
            endpoint = options.Endpoint;
            keyVariable = OpenAIKeyVariable;
            keyRequired = true;
        }
        else if (ReferenceEquals(type, OpenAIProviderTypes.AzureOpenAI))
        {
            endpoint = options.Endpoint is null ? null : AzureV1Endpoint(options.Endpoint);
            keyVariable = AzureKeyVariable;
            keyRequired = true;
        }
        else
        {
            endpoint = options.Endpoint ?? preset?.Endpoint;
            keyVariable = preset?.ApiKeyEnvironmentVariable;
            keyRequired = preset is { SelfHosted: false };
        }

        return new OpenAIProviderSettings(
            type,
            preset,
            endpoint,
            string.IsNullOrWhiteSpace(adapter.ApiKeyEnvironmentVariable) ? keyVariable : adapter.ApiKeyEnvironmentVariable,
            keyRequired,
            adapter.PrefillMode ?? preset?.PrefillMode ?? OpenAIPrefillMode.None);
    }

    /// <summary>Gets the key: the configured one, else the environment variable's value.</summary>
    public string? GetApiKey(LlmProviderOptions options)
    {
        if (!string.IsNullOrEmpty(options.ApiKey))
        {
            return options.ApiKey;
        }

        var fromEnvironment = ApiKeyEnvironmentVariable is null ? null : Environment.GetEnvironmentVariable(ApiKeyEnvironmentVariable);
        return string.IsNullOrEmpty(fromEnvironment) ? null : fromEnvironment;
    }

    /// <summary>
    /// Turns an Azure resource address into its v1 API base: <c>https://r.openai.azure.com</c>,
    /// <c>https://r.openai.azure.com/openai</c> and <c>https://r.openai.azure.com/openai/v1</c> all become
    /// <c>https://r.openai.azure.com/openai/v1/</c>.
    /// </summary>
    internal static Uri AzureV1Endpoint(Uri endpoint)
    {
        if (!endpoint.IsAbsoluteUri)
        {
            return endpoint;
        }

        var path = endpoint.AbsolutePath.TrimEnd('/');
        if (path.EndsWith("/openai/v1", StringComparison.OrdinalIgnoreCase))
        {
            // already the v1 base
        }
        else if (path.EndsWith("/openai", StringComparison.OrdinalIgnoreCase))
        {
            path += "/v1";
        }
        else
        {
            path += "/openai/v1";
        }

        return new UriBuilder(endpoint) { Path = path + "/", Query = string.Empty }.Uri;
    }
}
