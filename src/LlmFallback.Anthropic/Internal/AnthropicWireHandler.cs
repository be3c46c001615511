using System.Net.Http.Headers;

namespace LlmFallback.Anthropic;

/// <summary>
/// The innermost SDK handler of every Anthropic client: sends the documented Messages API headers (the key as
/// <c>x-api-key</c>, the configured <c>anthropic-version</c> and <c>anthropic-beta</c>), marks the call's
/// <see cref="AnthropicCallScope"/> as sent, and records <c>retry-after</c> of failed responses there.
/// </summary>
/// <remarks>
/// The SDK is given no credential, so the key lives only here and never reaches a URL. The SDK's own version header
/// and timeout hint are replaced: the version is a configuration choice, and the attempt policy owns timeouts.
/// </remarks>
internal sealed class AnthropicWireHandler : DelegatingHandler
{
    private readonly string _apiKey;
    private readonly string _apiVersion;
    private readonly string? _betas;
    private readonly TimeProvider _timeProvider;
    private readonly string _provider;

    public AnthropicWireHandler(string provider, string apiKey, string apiVersion, IList<string> betas, TimeProvider timeProvider)
    {
        _provider = provider;
        _apiKey = apiKey;
        _apiVersion = apiVersion;
        _betas = betas.Count == 0 ? null : string.Join(',', betas);
        _timeProvider = timeProvider;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var headers = request.Headers;
        headers.Authorization = null;
        Set(headers, "x-api-key", _apiKey);
        Set(headers, "anthropic-version", _apiVersion);
        if (_betas is not null)
        {
            var value = headers.TryGetValues("anthropic-beta", out var existing) ? string.Join(',', existing) + "," + _betas : _betas;
            Set(headers, "anthropic-beta", value);
        }

        headers.Remove("X-Stainless-Timeout");
        var scope = AnthropicCallScope.Current;
        scope?.Sent = true;
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (scope is null)
        {
            return response;
        }

        if (!response.IsSuccessStatusCode)
        {
            if (LlmRetryAfter.TryParse(response.Headers, _timeProvider.GetUtcNow(), out var delay))
            {
                scope.RetryAfter = delay;
            }
        }
        else if (scope.Streaming
            && LlmFailureClassifier.CheckStreamContentType(response.Content.Headers.ContentType?.ToString(), (int)response.StatusCode, _provider) is { } offFormat)
        {
            response.Dispose();
            throw offFormat;
        }

        return response;
    }

    private static void Set(HttpRequestHeaders headers, string name, string value)
    {
        headers.Remove(name);
        headers.TryAddWithoutValidation(name, value);
    }
}
