using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Hybrid;

namespace LlmFallback;

/// <summary>
/// Writes entries for the distributed (L2) cache as JSON with source-generated metadata (Microsoft.Extensions.AI's own
/// contract for <see cref="ChatResponse"/>), so it is trim- and AOT-safe. Runs only on a store or an L2 read.
/// </summary>
internal sealed class CachedChatEntrySerializer : IHybridCacheSerializer<CachedChatEntry>
{
    public static readonly CachedChatEntrySerializer Instance = new();

    private const int FormatVersion = 1;

    private static readonly JsonTypeInfo<ChatResponse> ResponseInfo = (JsonTypeInfo<ChatResponse>)AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(ChatResponse));

    public CachedChatEntry Deserialize(ReadOnlySequence<byte> source)
    {
        var reader = new Utf8JsonReader(source);
        int version = 0;
        long expires = 0;
        string? provider = null, model = null;
        ChatResponse? response = null;
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "v": version = reader.GetInt32(); break;
                case "e": expires = reader.GetInt64(); break;
                case "p": provider = reader.GetString(); break;
                case "m": model = reader.GetString(); break;
                case "r": response = JsonSerializer.Deserialize(ref reader, ResponseInfo); break;
                default: reader.Skip(); break;
            }
        }

        // An entry written by an unknown format version is a miss, never a misread answer.
        return version == FormatVersion && response is not null ? new CachedChatEntry(response, provider, model, expires) : null!;
    }

    public void Serialize(CachedChatEntry value, IBufferWriter<byte> target)
    {
        ArgumentNullException.ThrowIfNull(value);
        using var writer = new Utf8JsonWriter(target);
        writer.WriteStartObject();
        writer.WriteNumber("v", FormatVersion);
        writer.WriteNumber("e", value.ExpiresAtMs);
        writer.WriteString("p", value.Provider);
        writer.WriteString("m", value.ProviderModel);
        writer.WritePropertyName("r");
        JsonSerializer.Serialize(writer, value.Response, ResponseInfo);
        writer.WriteEndObject();
    }
}
