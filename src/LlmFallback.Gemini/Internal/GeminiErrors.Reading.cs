using System.Buffers;
using System.Text.Json;

namespace LlmFallback.Gemini;

/// <summary>Reading error bodies: bounded, in both shapes the API sends.</summary>
internal static partial class GeminiErrors
{
    private static async Task<GeminiError?> ReadErrorAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (buffer.Length >= MaxErrorBodyBytes)
                    {
                        return null;
                    }

                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                length += read;
            }

            return Parse(buffer.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads <c>{"error": {...}}</c>, or <c>[{"error": {...}}]</c> as streaming endpoints sometimes send it.</summary>
    internal static GeminiError? Parse(ReadOnlySpan<byte> body)
    {
        var trimmed = body.TrimStart(" \t\r\n"u8);
        if (trimmed.IsEmpty)
        {
            return null;
        }

        if (trimmed[0] == (byte)'[')
        {
            var list = JsonSerializer.Deserialize(trimmed, GeminiJsonContext.Default.ListGeminiErrorEnvelope);
            return list is { Count: > 0 } ? list[0].Error : null;
        }

        return JsonSerializer.Deserialize(trimmed, GeminiJsonContext.Default.GeminiErrorEnvelope)?.Error;
    }
}
