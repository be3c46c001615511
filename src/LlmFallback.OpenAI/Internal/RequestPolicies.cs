using System.ClientModel.Primitives;

namespace LlmFallback.OpenAI;

/// <summary>Sends no credentials: for self-hosted servers that run without a key.</summary>
internal sealed class NoAuthenticationPolicy : AuthenticationPolicy
{
    public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex) =>
        ProcessNext(message, pipeline, currentIndex);

    public override ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex) =>
        ProcessNextAsync(message, pipeline, currentIndex);
}

/// <summary>Adds fixed headers, and optionally a query parameter, to every request.</summary>
internal sealed class RequestDecorationPolicy : PipelinePolicy
{
    private readonly KeyValuePair<string, string>[] _headers;
    private readonly string? _query;

    public RequestDecorationPolicy(IEnumerable<KeyValuePair<string, string>> headers, string? queryName, string? queryValue)
    {
        _headers = [.. headers];
        _query = queryName is null || queryValue is null ? null : queryName + "=" + Uri.EscapeDataString(queryValue);
    }

    public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        Decorate(message.Request);
        ProcessNext(message, pipeline, currentIndex);
    }

    public override ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        Decorate(message.Request);
        return ProcessNextAsync(message, pipeline, currentIndex);
    }

    private void Decorate(PipelineRequest request)
    {
        foreach (var header in _headers)
        {
            request.Headers.Set(header.Key, header.Value);
        }

        if (_query is not null && request.Uri is { } uri)
        {
            var builder = new UriBuilder(uri);
            builder.Query = builder.Query.Length > 1 ? builder.Query[1..] + "&" + _query : _query;
            request.Uri = builder.Uri;
        }
    }
}
