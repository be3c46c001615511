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

/// <summary>
/// Checks that a successful answer to a streaming request (the SDK does not buffer those) is an event stream, so an
/// HTML page or a JSON error sent with status 200 fails as what it is, not as a stream that ended early.
/// </summary>
internal sealed class StreamContentTypePolicy(string provider) : PipelinePolicy
{
    public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        ProcessNext(message, pipeline, currentIndex);
        Check(message);
    }

    public override async ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        await ProcessNextAsync(message, pipeline, currentIndex).ConfigureAwait(false);
        Check(message);
    }

    private void Check(PipelineMessage message)
    {
        if (message.BufferResponse || message.Response is not { IsError: false } response)
        {
            return;
        }

        response.Headers.TryGetValue("Content-Type", out var contentType);
        if (LlmFailureClassifier.CheckStreamContentType(contentType, response.Status, provider) is { } offFormat)
        {
            response.Dispose();
            throw offFormat;
        }
    }
}

/// <summary>
/// Whether the SDK handed one call's request to its pipeline. What it throws before that comes from writing the request
/// out of the caller's messages and options (a tool schema it cannot read): nothing reached the provider, so it cannot be
/// the provider's failure. <see cref="OpenAIAdapterChatClient"/> begins a mark per call; <see cref="RequestSentPolicy"/>
/// sets it.
/// </summary>
internal sealed class OpenAIRequestMark
{
    private static readonly AsyncLocal<OpenAIRequestMark?> Current = new();

    /// <summary>Gets a value indicating whether the request reached the pipeline.</summary>
    public bool Sent { get; private set; }

    /// <summary>Starts a mark for the calling flow; it ends when the calling async method returns.</summary>
    public static OpenAIRequestMark Begin()
    {
        var mark = new OpenAIRequestMark();
        Current.Value = mark;
        return mark;
    }

    /// <summary>Marks the request of the call in progress on this flow, if any, as sent.</summary>
    public static void MarkSent()
    {
        if (Current.Value is { } mark)
        {
            mark.Sent = true;
        }
    }
}

/// <summary>The first policy of the pipeline: marks the call's request as sent (<see cref="OpenAIRequestMark"/>).</summary>
internal sealed class RequestSentPolicy : PipelinePolicy
{
    public static readonly RequestSentPolicy Instance = new();

    public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        OpenAIRequestMark.MarkSent();
        ProcessNext(message, pipeline, currentIndex);
    }

    public override ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        OpenAIRequestMark.MarkSent();
        return ProcessNextAsync(message, pipeline, currentIndex);
    }
}
