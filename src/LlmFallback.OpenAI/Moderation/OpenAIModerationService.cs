using System.ClientModel;
using System.ClientModel.Primitives;
using OpenAI;
using OpenAI.Moderations;

namespace LlmFallback.OpenAI;

/// <summary>
/// An <see cref="IModerationService"/> over OpenAI's moderation endpoint (<c>omni-moderation-latest</c>), through the
/// official SDK with its retries off: the moderation stage's timeout and failure mode decide what a failure means.
/// Personal data is replaced by its type before the text is sent (<see cref="OpenAIModerationOptions.RedactPii"/>).
/// </summary>
public sealed class OpenAIModerationService : IModerationService
{
    private readonly ModerationClient _client;
    private readonly OpenAIModerationOptions _options;
    private readonly PiiRedactor? _redactor;

    /// <summary>Initializes a new instance of the <see cref="OpenAIModerationService"/> class.</summary>
    /// <param name="client">The SDK client; build it with retries off (see <see cref="Create"/>).</param>
    /// <param name="options">Thresholds and PII redaction; <see langword="null"/> for OpenAI's own flags, with personal data redacted.</param>
    /// <param name="piiDetector">Finds the personal data replaced before sending; <see langword="null"/> for <see cref="PiiDetector.Default"/>.</param>
    public OpenAIModerationService(ModerationClient client, OpenAIModerationOptions? options = null, PiiDetector? piiDetector = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _options = options ?? new OpenAIModerationOptions();
        _redactor = _options.RedactPii ? new PiiRedactor(piiDetector) : null;
    }

    /// <summary>Makes the service from options: the SDK's retries and logging off, the key from options or the environment.</summary>
    /// <param name="options">The options.</param>
    /// <param name="httpClient">The HTTP client requests go through; <see langword="null"/> for the SDK's own.</param>
    /// <param name="piiDetector">Finds the personal data replaced before sending; <see langword="null"/> for <see cref="PiiDetector.Default"/>.</param>
    /// <returns>The service.</returns>
    /// <exception cref="InvalidOperationException">No key is configured.</exception>
    public static OpenAIModerationService Create(OpenAIModerationOptions options, HttpClient? httpClient = null, PiiDetector? piiDetector = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var key = string.IsNullOrWhiteSpace(options.ApiKey) ? Environment.GetEnvironmentVariable(options.ApiKeyEnvironmentVariable) : options.ApiKey;
        if (string.IsNullOrWhiteSpace(key))
        {
            throw new InvalidOperationException($"OpenAI moderation has no API key: set Llm:Moderation:OpenAI:ApiKey or the {options.ApiKeyEnvironmentVariable} environment variable.");
        }

        var clientOptions = new OpenAIClientOptions
        {
            // One retry layer: none here; the moderation stage times out and fails open or closed.
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            ClientLoggingOptions = new ClientLoggingOptions { EnableLogging = false, EnableMessageLogging = false, EnableMessageContentLogging = false },
        };
        if (httpClient is not null)
        {
            clientOptions.Transport = new HttpClientPipelineTransport(httpClient);
        }

        if (options.Endpoint is not null)
        {
            clientOptions.Endpoint = options.Endpoint;
        }

        return new OpenAIModerationService(new ModerationClient(options.Model, new ApiKeyCredential(key), clientOptions), options, piiDetector);
    }

    /// <inheritdoc/>
    public async ValueTask<LlmFallback.ModerationResult> ModerateAsync(string text, LlmContentSide side, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (_redactor is not null)
        {
            text = _redactor.Redact(text);
        }

        global::OpenAI.Moderations.ModerationResult result;
        try
        {
            result = (await _client.ClassifyTextAsync(text, cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (ClientResultException ex)
        {
            // The body may quote the input; only the status leaves this method.
            throw new ModerationServiceException($"OpenAI moderation answered HTTP {ex.Status}.", ex.Status == 0 ? null : ex.Status);
        }

        List<ModerationHit>? hits = null;
        Add(ref hits, "hate", result.Hate);
        Add(ref hits, "hate/threatening", result.HateThreatening);
        Add(ref hits, "harassment", result.Harassment);
        Add(ref hits, "harassment/threatening", result.HarassmentThreatening);
        Add(ref hits, "illicit", result.Illicit);
        Add(ref hits, "illicit/violent", result.IllicitViolent);
        Add(ref hits, "self-harm", result.SelfHarm);
        Add(ref hits, "self-harm/intent", result.SelfHarmIntent);
        Add(ref hits, "self-harm/instructions", result.SelfHarmInstructions);
        Add(ref hits, "sexual", result.Sexual);
        Add(ref hits, "sexual/minors", result.SexualMinors);
        Add(ref hits, "violence", result.Violence);
        Add(ref hits, "violence/graphic", result.ViolenceGraphic);
        return hits is null ? LlmFallback.ModerationResult.Clean : new LlmFallback.ModerationResult(hits);
    }

    private void Add(ref List<ModerationHit>? hits, string name, ModerationCategory? category)
    {
        if (category is null)
        {
            return;
        }

        var flagged = _options.Thresholds.Count > 0 && _options.Thresholds.TryGetValue(name, out var threshold)
            ? category.Score >= threshold
            : category.Flagged;
        if (flagged)
        {
            (hits ??= []).Add(new ModerationHit(name, category.Score));
        }
    }
}
