using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.AI;

namespace LlmFallback.Gemini;

/// <summary>Converts tool arguments and results to JSON without reflection-based serialization.</summary>
internal static class GeminiJson
{
    private static readonly JsonElement EmptyObject = JsonElement.Parse("{}");

    /// <summary>Serializes function-call arguments with the Microsoft.Extensions.AI serializer options (source-generated contracts).</summary>
    public static JsonElement ToElement(IDictionary<string, object?> arguments)
    {
        if (arguments.Count == 0)
        {
            return EmptyObject;
        }

        return JsonSerializer.SerializeToElement(arguments, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(IDictionary<string, object?>)));
    }

    /// <summary>
    /// Builds a function response object: <c>{"output": result}</c>, or <c>{"error": result}</c> when the function
    /// failed, the keys the Gemini API documents for function responses.
    /// </summary>
    public static JsonElement FunctionResponse(object? result, bool failed)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WritePropertyName(failed ? "error" : "output");
            WriteValue(writer, result);
            writer.WriteEndObject();
        }

        return JsonElement.Parse(buffer.WrittenSpan);
    }

    /// <summary>Reads function-call arguments; values stay <see cref="JsonElement"/>s, which function invokers bind directly.</summary>
    public static Dictionary<string, object?> ToArguments(JsonElement? args)
    {
        if (args is not { ValueKind: JsonValueKind.Object } obj)
        {
            return [];
        }

        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var property in obj.EnumerateObject())
        {
            result[property.Name] = property.Value.ValueKind == JsonValueKind.Null ? null : property.Value;
        }

        return result;
    }

    private static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                return;
            case string s:
                writer.WriteStringValue(s);
                return;
            case JsonElement element:
                element.WriteTo(writer);
                return;
            case JsonDocument document:
                document.RootElement.WriteTo(writer);
                return;
        }

        JsonTypeInfo? contract;
        try
        {
            contract = AIJsonUtilities.DefaultOptions.GetTypeInfo(value.GetType());
        }
        catch (NotSupportedException)
        {
            // A type without a serialization contract (trimmed or AOT builds): the model still gets its text.
            contract = null;
        }

        if (contract is null)
        {
            writer.WriteStringValue(value.ToString());
            return;
        }

        JsonSerializer.Serialize(writer, value, contract);
    }
}
