using System.Text.Json;

namespace LlmFallback;

/// <summary>The text inside JSON tool results and arguments (what <c>AIFunctionFactory</c> functions return), for the stages that read it.</summary>
internal static class LlmJson
{
    /// <summary>
    /// Every string value in <paramref name="element"/>, at any depth, in document order; with <paramref name="namesAndNumbers"/>
    /// also each property name (before its value) and each number as written, everything a provider reads.
    /// </summary>
    public static IEnumerable<string> Strings(JsonElement element, bool namesAndNumbers = false)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                yield return element.GetString()!;
                break;
            case JsonValueKind.Number when namesAndNumbers:
                yield return element.GetRawText();
                break;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (namesAndNumbers)
                    {
                        yield return property.Name;
                    }

                    foreach (var value in Strings(property.Value, namesAndNumbers))
                    {
                        yield return value;
                    }
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    foreach (var value in Strings(item, namesAndNumbers))
                    {
                        yield return value;
                    }
                }

                break;
        }
    }
}
