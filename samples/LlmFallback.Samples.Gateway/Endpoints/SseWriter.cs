using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using LlmFallback.Samples.Gateway.Wire;

namespace LlmFallback.Samples.Gateway.Endpoints;

/// <summary>
/// Writes server-sent events straight into the response's pipe: <c>data: {chunk}</c>, <c>data: [DONE]</c>, and the
/// <c>event: error</c> that ends a stream which failed after it started. One JSON writer per stream, reused per event.
/// </summary>
internal sealed class SseWriter : IDisposable
{
    private static readonly byte[] Data = "data: "u8.ToArray();
    private static readonly byte[] ErrorEvent = "event: error\ndata: "u8.ToArray();
    private static readonly byte[] End = "\n\n"u8.ToArray();
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();

    private readonly HttpResponse _response;
    private readonly PipeWriter _pipe;
    private readonly Utf8JsonWriter _json;

    public SseWriter(HttpResponse response)
    {
        _response = response;
        _pipe = response.BodyWriter;
        _json = new Utf8JsonWriter((IBufferWriter<byte>)_pipe);
    }

    /// <summary>Sends the status and headers of an event stream.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _response.StatusCode = 200;
        _response.ContentType = "text/event-stream; charset=utf-8";
        _response.Headers.CacheControl = "no-cache";
        _response.Headers["X-Accel-Buffering"] = "no";
        return _response.StartAsync(cancellationToken);
    }

    public ValueTask<FlushResult> WriteChunkAsync(ChatCompletionChunk chunk, CancellationToken cancellationToken)
    {
        _pipe.Write(Data);
        Serialize(chunk, GatewayJsonContext.Default.ChatCompletionChunk);
        _pipe.Write(End);
        return _pipe.FlushAsync(cancellationToken);
    }

    public ValueTask<FlushResult> WriteDoneAsync(CancellationToken cancellationToken)
    {
        _pipe.Write(Done);
        return _pipe.FlushAsync(cancellationToken);
    }

    /// <summary>An <c>error</c> event holding OpenAI's error object; the stream ends after it, without <c>[DONE]</c>.</summary>
    public ValueTask<FlushResult> WriteErrorAsync(GatewayError error, CancellationToken cancellationToken)
    {
        _pipe.Write(ErrorEvent);
        Serialize(ErrorWriter.Body(error), GatewayJsonContext.Default.OpenAIErrorBody);
        _pipe.Write(End);
        return _pipe.FlushAsync(cancellationToken);
    }

    public void Dispose() => _json.Dispose();

    private void Serialize<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo)
    {
        _json.Reset((IBufferWriter<byte>)_pipe);
        JsonSerializer.Serialize(_json, value, typeInfo);
        _json.Flush();
    }
}
