using System.Text.Json;

namespace LlmFallback;

/// <summary>The text inside JSON tool results and arguments (what <c>AIFunctionFactory</c> functions return), for the stages that read it.</summary>
internal static class LlmJson
{
    /// <summary>Every string value in <paramref name="element"/>, at any depth, in document order (property names are not text).</summary>
    public static IEnumerable<string> Strings(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                yield return element.GetString()!;
                break;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    foreach (var value in Strings(property.Value))
                    {
                        yield return value;
                    }
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    foreach (var value in Strings(item))
                    {
                        yield return value;
                    }
                }

                break;
        }
    }
}
