using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace LlmFallback.Gemini;

/// <summary>
/// Reads a <c>streamGenerateContent?alt=sse</c> body: each <c>data:</c> event is a whole chunk. A line that is not an SSE
/// field is the start of a raw JSON error the server wrote into the open stream (python-genai buffers such lines until
/// the JSON is complete; go-genai treats them as an error): its lines are gathered until the JSON is whole and thrown
/// as the classified error it is, with its status and <c>RetryInfo</c>, instead of being skipped into a truncated answer.
/// </summary>
internal static class GeminiStreamReader
{
    private const int MaxErrorBytes = 64 * 1024;

    /// <summary>
    /// The largest line or event read (64 MB: a chunk with inline media is a few MB): a server that never ends a line
    /// fails the stream instead of growing its buffers until the process runs out of memory.
    /// </summary>
    internal const int MaxEventBytes = 64 * 1024 * 1024;

    public static IAsyncEnumerable<GenerateContentResponse> ReadAsync(Stream stream, string provider, string? apiKey, CancellationToken cancellationToken) =>
        ReadAsync(stream, provider, apiKey, MaxEventBytes, cancellationToken);

    internal static async IAsyncEnumerable<GenerateContentResponse> ReadAsync(Stream stream, string provider, string? apiKey, int maxEventBytes, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        var data = new ArrayBufferWriter<byte>(1024);
        ArrayBufferWriter<byte>? raw = null;
        int start = 0, end = 0;
        var eof = false;
        try
        {
            while (true)
            {
                var newline = buffer.AsSpan(start, end - start).IndexOf((byte)'\n');
                if (newline < 0 && !eof)
                {
                    if (end - start >= maxEventBytes)
                    {
                        throw TooLarge(maxEventBytes);
                    }

                    (buffer, start, end) = Compact(buffer, start, end);
                    var read = await stream.ReadAsync(buffer.AsMemory(end), cancellationToken).ConfigureAwait(false);
                    eof = read == 0;
                    end += read;
                    continue;
                }

                // The last line of a body may have no line break.
                var length = newline < 0 ? end - start : newline;
                var line = buffer.AsSpan(start, length).TrimEnd((byte)'\r');
                start += newline < 0 ? length : length + 1;
                if (raw is not null)
                {
                    Append(raw, line);
                }
                else if (line.IsEmpty)
                {
                    if (data.WrittenCount > 0 && Parse(data.WrittenSpan) is { } chunk)
                    {
                        yield return chunk;
                    }

                    data.ResetWrittenCount();
                }
                else if (line.StartsWith("data:"u8))
                {
                    var value = line[5..];
                    value = value.StartsWith(" "u8) ? value[1..] : value;
                    if (data.WrittenCount + value.Length >= maxEventBytes)
                    {
                        throw TooLarge(maxEventBytes);
                    }

                    if (data.WrittenCount > 0)
                    {
                        data.Write("\n"u8);
                    }

                    data.Write(value);
                }
                else if (line[0] != (byte)':' && !line.StartsWith("event:"u8) && !line.StartsWith("id:"u8) && !line.StartsWith("retry:"u8))
                {
                    Append(raw = new ArrayBufferWriter<byte>(256), line);
                }

                if (raw is not null && (IsComplete(raw.WrittenSpan) || (eof && start >= end)))
                {
                    throw RawError(raw.WrittenSpan, provider, apiKey);
                }

                if (eof && start >= end)
                {
                    if (data.WrittenCount > 0 && Parse(data.WrittenSpan) is { } last)
                    {
                        yield return last;
                    }

                    yield break;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Parses one event; keep-alive or empty events carry nothing, anything else must be a whole JSON chunk.</summary>
    internal static GenerateContentResponse? Parse(ReadOnlySpan<byte> data)
    {
        var trimmed = data.Trim(" \t\r\n"u8);
        return trimmed.IsEmpty ? null : JsonSerializer.Deserialize(trimmed, GeminiJsonContext.Default.GenerateContentResponse)
            ?? throw new JsonException("A Gemini stream event held JSON null.");
    }

    private static (byte[] Buffer, int Start, int End) Compact(byte[] buffer, int start, int end)
    {
        if (start > 0)
        {
            buffer.AsSpan(start, end - start).CopyTo(buffer);
            return (buffer, 0, end - start);
        }

        if (end < buffer.Length)
        {
            return (buffer, start, end);
        }

        // One line longer than the buffer (a chunk with inline media): grow it.
        var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
        buffer.AsSpan(0, end).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(buffer);
        return (larger, 0, end);
    }

    private static InvalidDataException TooLarge(int maxEventBytes) =>
        new($"A Gemini stream line or event reached {maxEventBytes} bytes without ending.");

    private static void Append(ArrayBufferWriter<byte> raw, ReadOnlySpan<byte> line)
    {
        if (raw.WrittenCount + line.Length > MaxErrorBytes)
        {
            throw new InvalidDataException("The Gemini stream held more than 64 KB of text outside SSE events.");
        }

        raw.Write(line);
        raw.Write("\n"u8);
    }

    /// <summary>Whether the gathered lines hold one whole JSON value; invalid JSON throws, as a malformed stream.</summary>
    private static bool IsComplete(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, isFinalBlock: false, state: default);
        while (reader.Read())
        {
            if (reader.CurrentDepth == 0 && reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray)
            {
                return true;
            }
        }

        return false;
    }

    private static Exception RawError(ReadOnlySpan<byte> json, string provider, string? apiKey)
    {
        var error = GeminiErrors.Parse(json);
        return error is null
            ? new InvalidDataException("The Gemini stream held JSON outside SSE events that is not an error.")
            : GeminiErrors.Create(error.Code, error, null, provider, apiKey);
    }
}
