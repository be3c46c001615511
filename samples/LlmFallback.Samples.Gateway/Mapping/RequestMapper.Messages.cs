using System.Globalization;
using System.Text;
using System.Text.Json;
using LlmFallback.Samples.Gateway.Wire;

namespace LlmFallback.Samples.Gateway.Mapping;

internal static partial class RequestMapper
{
    private static ChatMessage MapMessage(WireMessage? wire, int index)
    {
        var at = "messages[" + index.ToString(CultureInfo.InvariantCulture) + "]";
        Check(wire is not null, at, $"'{at}' must be an object.");
        var role = wire!.Role switch
        {
            "system" or "developer" => ChatRole.System,
            "user" => ChatRole.User,
            "assistant" => ChatRole.Assistant,
            "tool" => ChatRole.Tool,
            null => throw GatewayRequestException.Invalid(at + ".role", $"'{at}.role' is required.", "missing_required_parameter"),
            _ => throw GatewayRequestException.Invalid(at + ".role", $"'{at}.role' must be one of 'system', 'developer', 'user', 'assistant' or 'tool'."),
        };

        var message = new ChatMessage { Role = role, AuthorName = wire.Name };
        if (role == ChatRole.Tool)
        {
            Check(!string.IsNullOrEmpty(wire.ToolCallId), at + ".tool_call_id", $"'{at}.tool_call_id' is required for a tool message.", "missing_required_parameter");
            message.Contents.Add(new FunctionResultContent(wire.ToolCallId!, ToolResultText(wire.Content, at)));
            return message;
        }

        AddContent(message.Contents, wire.Content, at, allowImages: role == ChatRole.User);
        if (wire.ToolCalls is { Count: > 0 } calls)
        {
            Check(role == ChatRole.Assistant, at + ".tool_calls", $"Only assistant messages may hold 'tool_calls' ('{at}' is {wire.Role}).");
            for (var i = 0; i < calls.Count; i++)
            {
                message.Contents.Add(MapToolCall(calls[i], $"{at}.tool_calls[{i.ToString(CultureInfo.InvariantCulture)}]"));
            }
        }

        Check(message.Contents.Count > 0 || role == ChatRole.Assistant, at + ".content", $"'{at}.content' is required.", "missing_required_parameter");
        return message;
    }

    /// <summary>A string, or an array of parts: <c>text</c> (and <c>refusal</c>), and for user messages <c>image_url</c> and <c>input_audio</c>.</summary>
    private static void AddContent(IList<AIContent> contents, JsonElement? content, string at, bool allowImages)
    {
        if (content is not { } value || value.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            contents.Add(new TextContent(Text(value, at + ".content")));
            return;
        }

        Check(value.ValueKind == JsonValueKind.Array, at + ".content", $"'{at}.content' must be a string or an array of content parts.");
        var i = 0;
        foreach (var part in value.EnumerateArray())
        {
            var partAt = $"{at}.content[{i++.ToString(CultureInfo.InvariantCulture)}]";
            var type = part.ValueKind == JsonValueKind.Object && part.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? Text(t, partAt + ".type") : null;
            switch (type)
            {
                case "text" or "refusal" when part.TryGetProperty(type, out var text) && text.ValueKind == JsonValueKind.String:
                    contents.Add(new TextContent(Text(text, $"{partAt}.{type}")));
                    break;
                case "image_url" when allowImages:
                    contents.Add(Image(part, partAt));
                    break;
                case "input_audio" when allowImages:
                    contents.Add(Audio(part, partAt));
                    break;
                default:
                    throw GatewayRequestException.Invalid(partAt, $"'{partAt}' is not a content part this gateway accepts for this role.");
            }
        }
    }

    private static AIContent Image(JsonElement part, string at)
    {
        Check(part.TryGetProperty("image_url", out var image) && image.ValueKind == JsonValueKind.Object
            && image.TryGetProperty("url", out var url) && url.ValueKind == JsonValueKind.String, at + ".image_url.url", $"'{at}.image_url.url' is required.");
        var address = Text(image.GetProperty("url"), at + ".image_url.url");
        if (address.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                return new DataContent(address);
            }
            catch (FormatException)
            {
                throw GatewayRequestException.Invalid(at + ".image_url.url", $"'{at}.image_url.url' is not a valid data URI.");
            }
        }

        Check(Uri.TryCreate(address, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp),
            at + ".image_url.url", $"'{at}.image_url.url' must be an http(s) URL or a data URI.");
        return new UriContent(uri!, "image/*");
    }

    private static DataContent Audio(JsonElement part, string at)
    {
        Check(part.TryGetProperty("input_audio", out var audio) && audio.ValueKind == JsonValueKind.Object
            && audio.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.String
            && audio.TryGetProperty("format", out var format) && format.ValueKind == JsonValueKind.String && Text(format, at + ".input_audio.format") is "wav" or "mp3",
            at + ".input_audio", $"'{at}.input_audio' needs base64 'data' and a 'format' of 'wav' or 'mp3'.");
        try
        {
            var bytes = Convert.FromBase64String(Text(audio.GetProperty("data"), at + ".input_audio.data"));
            return new DataContent(bytes, Text(audio.GetProperty("format"), at + ".input_audio.format") == "wav" ? "audio/wav" : "audio/mpeg");
        }
        catch (FormatException)
        {
            throw GatewayRequestException.Invalid(at + ".input_audio.data", $"'{at}.input_audio.data' is not valid base64.");
        }
    }

    /// <summary>A tool message's content as one text: a string, or its text parts joined.</summary>
    private static string ToolResultText(JsonElement? content, string at)
    {
        var parts = new List<AIContent>();
        AddContent(parts, content, at, allowImages: false);
        if (parts.Count == 1)
        {
            return ((TextContent)parts[0]).Text;
        }

        var text = new StringBuilder();
        foreach (var part in parts)
        {
            text.Append(((TextContent)part).Text);
        }

        return text.ToString();
    }
}
