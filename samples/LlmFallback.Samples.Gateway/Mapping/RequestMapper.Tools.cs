using System.Text.Json;
using LlmFallback.Samples.Gateway.Wire;

namespace LlmFallback.Samples.Gateway.Mapping;

internal static partial class RequestMapper
{
    private static readonly JsonElement EmptySchema = JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement;

    private static void MapTools(ChatCompletionRequest request, ChatOptions options)
    {
        if (request.Tools is { Count: > 0 } tools)
        {
            var list = new List<AITool>(tools.Count);
            for (var i = 0; i < tools.Count; i++)
            {
                var at = $"tools[{i}]";
                var function = tools[i]?.Function;
                Check(tools[i]?.Type == "function" && function is not null, at, $"'{at}' must be a tool of type 'function' with a 'function' object.");
                Check(IsToolName(function!.Name), at + ".function.name", $"'{at}.function.name' must be 1 to 64 letters, digits, '_' or '-'.");
                if (function.Parameters is { } parameters)
                {
                    CheckSchema(parameters, at + ".function.parameters");
                }

                list.Add(AIFunctionFactory.CreateDeclaration(function.Name!, function.Description, function.Parameters ?? EmptySchema));
            }

            options.Tools = list;
        }

        options.ToolMode = ToolChoice(request.ToolChoice);
    }

    private static ChatToolMode? ToolChoice(JsonElement? choice)
    {
        if (choice is not { } value || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            return Text(value, "tool_choice") switch
            {
                "auto" => ChatToolMode.Auto,
                "none" => ChatToolMode.None,
                "required" => ChatToolMode.RequireAny,
                _ => throw GatewayRequestException.Invalid("tool_choice", "'tool_choice' must be 'none', 'auto', 'required' or a function."),
            };
        }

        Check(value.ValueKind == JsonValueKind.Object && value.TryGetProperty("function", out var function) && function.ValueKind == JsonValueKind.Object
            && function.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String && IsToolName(Text(name, "tool_choice")),
            "tool_choice", "'tool_choice' must be 'none', 'auto', 'required' or a function.");
        return ChatToolMode.RequireSpecific(Text(value.GetProperty("function").GetProperty("name"), "tool_choice"));
    }

    /// <summary>An assistant message's tool call; its arguments must be a JSON object.</summary>
    private static FunctionCallContent MapToolCall(WireToolCall? call, string at)
    {
        Check(call is { Type: "function" or null, Function: not null } && !string.IsNullOrEmpty(call.Id), at, $"'{at}' must be a function call with an 'id'.");
        Check(IsToolName(call!.Function!.Name), at + ".function.name", $"'{at}.function.name' must be 1 to 64 letters, digits, '_' or '-'.");
        return new FunctionCallContent(call.Id!, call.Function.Name!, Arguments(call.Function.Arguments, at + ".function.arguments"));
    }

    private static Dictionary<string, object?> Arguments(string? json, string at)
    {
        var arguments = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(json))
        {
            return arguments;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            Check(document.RootElement.ValueKind == JsonValueKind.Object, at, $"'{at}' must be a JSON object.");
            CheckEncodable(document.RootElement, at);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                arguments[property.Name] = property.Value.Clone();
            }
        }
        catch (JsonException)
        {
            throw GatewayRequestException.Invalid(at, $"'{at}' is not valid JSON.");
        }

        return arguments;
    }

    /// <summary>
    /// A tool's parameters: a JSON object whose <c>type</c>, <c>properties</c> and <c>required</c> (in any case) have
    /// the shapes the provider adapters read them as. A schema they cannot read fails inside the adapter while it builds
    /// the provider's request, which the fallback stage takes for that provider's failure: one caller's bad schema would
    /// fail over every provider and open their circuit breakers.
    /// </summary>
    private static void CheckSchema(JsonElement schema, string at)
    {
        Check(schema.ValueKind == JsonValueKind.Object, at, $"'{at}' must be a JSON schema object.");
        CheckEncodable(schema, at);
        foreach (var property in schema.EnumerateObject())
        {
            var value = property.Value.ValueKind;
            if (string.Equals(property.Name, "type", StringComparison.OrdinalIgnoreCase))
            {
                Check(value is JsonValueKind.String or JsonValueKind.Null, at + ".type", $"'{at}.type' must be a string.");
            }
            else if (string.Equals(property.Name, "properties", StringComparison.OrdinalIgnoreCase))
            {
                Check(value is JsonValueKind.Object or JsonValueKind.Null, at + ".properties", $"'{at}.properties' must be an object.");
            }
            else if (string.Equals(property.Name, "required", StringComparison.OrdinalIgnoreCase))
            {
                Check(value == JsonValueKind.Null || (value == JsonValueKind.Array && property.Value.EnumerateArray().All(static r => r.ValueKind == JsonValueKind.String)),
                    at + ".required", $"'{at}.required' must be an array of strings.");
            }
        }
    }

    /// <summary>
    /// Throws a 400 naming <paramref name="at"/> when a string or property name anywhere in <paramref name="value"/>
    /// escapes an unpaired surrogate: the JSON parses, but no adapter can write it into a provider's request, and its
    /// failure there would count against the provider.
    /// </summary>
    internal static void CheckEncodable(JsonElement value, string at)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                _ = Text(value, at);
                break;
            case JsonValueKind.Array:
                foreach (var item in value.EnumerateArray())
                {
                    CheckEncodable(item, at);
                }

                break;
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    try
                    {
                        _ = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        throw GatewayRequestException.Invalid(at, $"'{at}' is not valid text: a property name holds an unpaired UTF-16 surrogate.");
                    }

                    CheckEncodable(property.Value, at);
                }

                break;
        }
    }

    private static bool IsToolName(string? name)
    {
        if (name is not { Length: > 0 and <= 64 })
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '_' and not '-')
            {
                return false;
            }
        }

        return true;
    }
}
