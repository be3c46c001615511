using System.Text.Json;

namespace LlmFallback.Conformance;

/// <summary>A request the loopback server received.</summary>
public sealed record RecordedRequest(string Method, string Path, string QueryString, IReadOnlyDictionary<string, string> Headers, string Body)
{
    private JsonElement? _json;

    /// <summary>Gets the body parsed as JSON.</summary>
    public JsonElement Json => _json ??= JsonDocument.Parse(Body).RootElement.Clone();

    /// <summary>Gets a header value, or null.</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;
}

/// <summary>What the conformance test sent, for the provider's request-shape assertion.</summary>
public sealed record ExpectedRequest(string Model, bool Stream, bool WithTools, bool WithToolResult, string SystemPrompt, string UserText);
