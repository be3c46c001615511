using System.ClientModel;
using System.ClientModel.Primitives;

namespace LlmFallback.OpenAI.Tests;

/// <summary>A response as the SDK's pipeline hands it to <see cref="ClientResultException"/>: status, headers, buffered body.</summary>
internal sealed class TestPipelineResponse : PipelineResponse
{
    private readonly TestHeaders _headers;
    private BinaryData _content;

    public TestPipelineResponse(int status, string body, params (string Name, string Value)[] headers)
    {
        Status = status;
        _content = BinaryData.FromString(body);
        _headers = new TestHeaders(headers);
    }

    public override int Status { get; }

    public override string ReasonPhrase => string.Empty;

    public override Stream? ContentStream { get; set; }

    public override BinaryData Content => _content;

    protected override PipelineResponseHeaders HeadersCore => _headers;

    public static ClientResultException Exception(int status, string body, params (string Name, string Value)[] headers) =>
        new(new TestPipelineResponse(status, body, headers));

    public override BinaryData BufferContent(CancellationToken cancellationToken = default) => _content;

    public override ValueTask<BinaryData> BufferContentAsync(CancellationToken cancellationToken = default) => new(_content);

    public override void Dispose() => _content = BinaryData.Empty;

    private sealed class TestHeaders((string Name, string Value)[] headers) : PipelineResponseHeaders
    {
        public override IEnumerator<KeyValuePair<string, string>> GetEnumerator()
        {
            foreach (var (name, value) in headers)
            {
                yield return new(name, value);
            }
        }

        public override bool TryGetValue(string name, out string? value)
        {
            foreach (var (n, v) in headers)
            {
                if (string.Equals(n, name, StringComparison.OrdinalIgnoreCase))
                {
                    value = v;
                    return true;
                }
            }

            value = null;
            return false;
        }

        public override bool TryGetValues(string name, out IEnumerable<string>? values)
        {
            values = TryGetValue(name, out var value) ? [value!] : null;
            return values is not null;
        }
    }
}
