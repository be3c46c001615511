using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmFallback.Gemini;

/// <summary>
/// An <see cref="IChatClient"/> for the Google Gemini API (<c>generateContent</c> and
/// <c>streamGenerateContent?alt=sse</c>), with failures thrown as classified <see cref="LlmProviderException"/>s.
/// </summary>
/// <remarks>
/// <para>The API key travels in the <c>x-goog-api-key</c> header, never in the URL, and never appears in a log or an
/// exception. The client makes one HTTP call per request and never retries: retries belong to the provider's attempt policy.</para>
/// <para>Gemini has no call ids for most models: function calls without one get an id made up here (prefix
/// <c>gemini_</c>), and function results are matched to their calls by that id to recover the function's name.</para>
/// <para>Every request's history is prepared with <see cref="LlmPortability.Prepare"/>: reasoning and signatures other
/// providers made are left out, and function calls without a signature get <see cref="ThoughtSignaturePlaceholder"/>.</para>
/// </remarks>
public sealed partial class GeminiChatClient : IChatClient
{
    /// <summary>The Gemini API's base address, used when the <see cref="HttpClient"/> has no <see cref="HttpClient.BaseAddress"/>.</summary>
    public static readonly Uri DefaultEndpoint = new("https://generativelanguage.googleapis.com/");

    private const string ApiKeyHeader = "x-goog-api-key";
    private static readonly MediaTypeHeaderValue JsonMediaType = new("application/json");

    private readonly HttpClient _httpClient;
    private readonly string _apiKey;
    private readonly string? _modelId;
    private readonly string _baseUrl;
    private readonly Uri? _generateUri;
    private readonly Uri? _streamUri;
    private readonly GeminiOptions _options;
    private readonly string _provider;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ChatClientMetadata _metadata;
    private readonly LlmPortabilityOptions? _portability;
    private readonly List<GeminiSafetySetting>? _safetySettings;
    private int _loggedUnmapped;

    /// <summary>Initializes a new instance of the <see cref="GeminiChatClient"/> class.</summary>
    /// <param name="httpClient">
    /// The HTTP client. Its <see cref="HttpClient.BaseAddress"/>, when set, replaces <see cref="DefaultEndpoint"/>
    /// (for a proxy or a test server). The caller owns it.
    /// </param>
    /// <param name="apiKey">The Gemini API key.</param>
    /// <param name="modelId">The model, such as <c>gemini-2.5-flash</c>; <see cref="ChatOptions.ModelId"/> overrides it per request.</param>
    /// <param name="options">Gemini-specific settings; <see langword="null"/> for the defaults.</param>
    /// <param name="providerName">The name put in <see cref="LlmProviderException.Provider"/>; <see langword="null"/> for <c>Gemini</c>.</param>
    /// <param name="timeProvider">The clock used to read HTTP-date <c>Retry-After</c> values; <see langword="null"/> for the system clock.</param>
    /// <param name="loggerFactory">Logs failed calls (status and error code only) and options Gemini cannot take; <see langword="null"/> for none.</param>
    /// <param name="portability">
    /// How a history holding other providers' output is prepared (<see cref="LlmPortability"/>); <see langword="null"/>
    /// for the defaults.
    /// </param>
    /// <exception cref="ArgumentNullException"><paramref name="httpClient"/> or <paramref name="apiKey"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="apiKey"/> is blank, or <paramref name="modelId"/>, the API version or a safety setting is not valid.</exception>
    public GeminiChatClient(
        HttpClient httpClient,
        string apiKey,
        string? modelId = null,
        GeminiOptions? options = null,
        string? providerName = null,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null,
        LlmPortabilityOptions? portability = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentException.ThrowIfNullOrWhiteSpace(apiKey);
        options ??= new GeminiOptions();
        if (GeminiNames.ValidateApiVersion(options.ApiVersion) is { } versionError)
        {
            throw new ArgumentException($"{nameof(GeminiOptions)}.{nameof(GeminiOptions.ApiVersion)} {versionError}", nameof(options));
        }

        if (modelId is not null && GeminiNames.ValidateModel(modelId) is { } modelError)
        {
            throw new ArgumentException($"The model {modelError}", nameof(modelId));
        }

        if (options.SafetySettings is { } safety)
        {
            foreach (var (category, threshold) in safety)
            {
                if (GeminiSafety.Validate(category, threshold) is { } safetyError)
                {
                    throw new ArgumentException($"{nameof(GeminiOptions)}.{nameof(GeminiOptions.SafetySettings)} {safetyError}", nameof(options));
                }
            }
        }

        _httpClient = httpClient;
        _portability = portability;
        _safetySettings = GeminiSafety.FromOptions(options.SafetySettings);
        _apiKey = apiKey;
        _modelId = modelId;
        _options = options;
        _provider = providerName ?? "Gemini";
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)loggerFactory?.CreateLogger("LlmFallback.Gemini") ?? NullLogger.Instance;
        var endpoint = httpClient.BaseAddress ?? DefaultEndpoint;
        _baseUrl = endpoint.AbsoluteUri.TrimEnd('/') + "/" + options.ApiVersion + "/";
        if (modelId is not null)
        {
            _generateUri = BuildUri(modelId, stream: false);
            _streamUri = BuildUri(modelId, stream: true);
        }

        _metadata = new ChatClientMetadata("gcp.gemini", endpoint, modelId);
    }

    /// <inheritdoc />
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var (uri, model) = Target(options, stream: false);
        using var request = CreateRequest(uri, model, messages, options, out var hasFileData);
        using var response = await _httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw await FailAsync(response, model, hasFileData, cancellationToken).ConfigureAwait(false);
        }

        GenerateContentResponse? body;
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            body = await JsonSerializer.DeserializeAsync(stream, GeminiJsonContext.Default.GenerateContentResponse, cancellationToken).ConfigureAwait(false);
        }

        return ToChatResponse(body ?? throw new JsonException("The Gemini response body was empty."), model);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return StreamAsync(messages, options, cancellationToken);
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <summary>Does nothing: the <see cref="HttpClient"/> belongs to the caller (or to <see cref="IHttpClientFactory"/>).</summary>
    public void Dispose()
    {
    }

    private (Uri Uri, string Model) Target(ChatOptions? options, bool stream)
    {
        if (options?.ModelId is { } requested && !string.Equals(requested, _modelId, StringComparison.Ordinal))
        {
            if (GeminiNames.ValidateModel(requested) is { } error)
            {
                throw new ArgumentException($"{nameof(ChatOptions)}.{nameof(ChatOptions.ModelId)} {error}", nameof(options));
            }

            return (BuildUri(requested, stream), requested);
        }

        return _modelId is null
            ? throw new InvalidOperationException("No Gemini model: pass one to the GeminiChatClient constructor or set ChatOptions.ModelId.")
            : (stream ? _streamUri! : _generateUri!, _modelId);
    }

    private Uri BuildUri(string model, bool stream)
    {
        // "gemini-2.5-flash" and "models/gemini-2.5-flash" name the same model; tuned models keep their collection.
        var path = model.Contains('/', StringComparison.Ordinal) ? model : "models/" + model;
        return new Uri(_baseUrl + path + (stream ? ":streamGenerateContent?alt=sse" : ":generateContent"), UriKind.Absolute);
    }
}
