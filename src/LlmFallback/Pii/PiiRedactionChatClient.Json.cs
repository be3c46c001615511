using System.Buffers;
using System.Text.Json;

namespace LlmFallback;

/// <content>
/// JSON tool results and arguments: <c>AIFunctionFactory</c> functions return their results as a <see cref="JsonElement"/>
/// and provider adapters parse tool-call arguments into them, so their strings are rewritten at any depth, and so are
/// property names (a dictionary keyed by e-mail address) and numbers (a card number held as a <see cref="long"/>): the
/// provider reads them all. A changed number is written as a string.
/// </content>
public sealed partial class PiiRedactionChatClient
{
    /// <summary>The value with the actions applied to every string in it; <see langword="null"/> when nothing changed.</summary>
    private JsonElement? RewriteJson(JsonElement element, LlmContentSide side, ref PiiRequestState? state)
    {
        // Each string is rewritten once (counts are taken as it is), then the value is written again only if one changed.
        List<(int Index, string Value)>? changes = null;
        var index = 0;
        foreach (var value in LlmJson.Strings(element, namesAndNumbers: true))
        {
            var rewritten = RewriteText(value, side, ref state);
            if (!ReferenceEquals(rewritten, value))
            {
                (changes ??= []).Add((index, rewritten));
            }

            index++;
        }

        if (changes is null)
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            index = 0;
            var next = 0;
            Write(element, writer, changes, ref index, ref next);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    private static void Write(JsonElement element, Utf8JsonWriter writer, List<(int Index, string Value)> changes, ref int index, ref int next)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String or JsonValueKind.Number:
                if (next < changes.Count && changes[next].Index == index)
                {
                    writer.WriteStringValue(changes[next++].Value);
                }
                else
                {
                    element.WriteTo(writer);
                }

                index++;
                break;
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject())
                {
                    writer.WritePropertyName(next < changes.Count && changes[next].Index == index ? changes[next++].Value : property.Name);
                    index++;
                    Write(property.Value, writer, changes, ref index, ref next);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Write(item, writer, changes, ref index, ref next);
                }

                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}
