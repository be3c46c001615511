using System.Text.Json;
using LlmFallback.Samples.Gateway.Wire;

namespace LlmFallback.Samples.Gateway.Mapping;

/// <summary>
/// Turns an OpenAI Chat Completions request into M.E.AI messages and options, checking its shape on the way. Size
/// limits (messages, characters, tokens) are the pipeline's input validation stage's job, not this mapper's.
/// </summary>
internal static partial class RequestMapper
{
    /// <summary>The largest number of stop sequences OpenAI accepts.</summary>
    private const int MaxStopSequences = 4;

    /// <summary>Maps <paramref name="request"/>; throws <see cref="GatewayRequestException"/> naming the first invalid parameter.</summary>
    public static (List<ChatMessage> Messages, ChatOptions Options) Map(ChatCompletionRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.Model))
        {
            throw GatewayRequestException.Invalid("model", "you must provide a model parameter.", "missing_required_parameter");
        }

        if (request.Messages is not { Count: > 0 } wire)
        {
            throw GatewayRequestException.Invalid("messages", "'messages' must be a non-empty array.", "missing_required_parameter");
        }

        var messages = new List<ChatMessage>(wire.Count);
        for (var i = 0; i < wire.Count; i++)
        {
            messages.Add(MapMessage(wire[i], i));
        }

        return (messages, MapOptions(request));
    }

    private static ChatOptions MapOptions(ChatCompletionRequest request)
    {
        Check(request.N is null or 1, "n", "Only n = 1 is supported by this gateway.", "unsupported_value");
        Check(request.Temperature is null or (>= 0 and <= 2), "temperature", "'temperature' must be between 0 and 2.");
        Check(request.TopP is null or (>= 0 and <= 1), "top_p", "'top_p' must be between 0 and 1.");
        Check(request.PresencePenalty is null or (>= -2 and <= 2), "presence_penalty", "'presence_penalty' must be between -2 and 2.");
        Check(request.FrequencyPenalty is null or (>= -2 and <= 2), "frequency_penalty", "'frequency_penalty' must be between -2 and 2.");
        Check(request.MaxTokens is null or > 0, "max_tokens", "'max_tokens' must be at least 1.");
        Check(request.MaxCompletionTokens is null or > 0, "max_completion_tokens", "'max_completion_tokens' must be at least 1.");
        var options = new ChatOptions
        {
            ModelId = request.Model,
            Temperature = request.Temperature,
            TopP = request.TopP,
            MaxOutputTokens = request.MaxCompletionTokens ?? request.MaxTokens,
            PresencePenalty = request.PresencePenalty,
            FrequencyPenalty = request.FrequencyPenalty,
            Seed = request.Seed,
            StopSequences = Stop(request.Stop),
            AllowMultipleToolCalls = request.ParallelToolCalls,
            ResponseFormat = ResponseFormat(request.ResponseFormat),
        };
        MapTools(request, options);
        return options;
    }

    private static List<string>? Stop(JsonElement? stop)
    {
        if (stop is not { } value || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            return [Text(value, "stop")];
        }

        Check(value.ValueKind == JsonValueKind.Array && value.GetArrayLength() <= MaxStopSequences, "stop", "'stop' must be a string or an array of at most 4 strings.");
        var list = new List<string>(value.GetArrayLength());
        foreach (var item in value.EnumerateArray())
        {
            Check(item.ValueKind == JsonValueKind.String, "stop", "'stop' must be a string or an array of at most 4 strings.");
            list.Add(Text(item, "stop"));
        }

        return list;
    }

    private static ChatResponseFormat? ResponseFormat(WireResponseFormat? format)
    {
        switch (format?.Type)
        {
            case null:
                return null;
            case "text":
                return ChatResponseFormat.Text;
            case "json_object":
                return ChatResponseFormat.Json;
            case "json_schema":
                var schema = format.JsonSchema;
                Check(schema is { Name: not null, Schema.ValueKind: JsonValueKind.Object }, "response_format.json_schema", "'response_format.json_schema' needs a 'name' and a 'schema' object.");
                CheckEncodable(schema!.Schema!.Value, "response_format.json_schema.schema");
                return ChatResponseFormat.ForJsonSchema(schema!.Schema!.Value, schema.Name, schema.Description);
            default:
                throw GatewayRequestException.Invalid("response_format.type", "'response_format.type' must be 'text', 'json_object' or 'json_schema'.");
        }
    }

    /// <summary>
    /// The text of a JSON string; a 400 naming <paramref name="param"/> when it is not a string, or escapes an unpaired
    /// surrogate (<c>"\udc00"</c>: valid JSON that no .NET string can be read from, so it would otherwise end as a 500).
    /// </summary>
    internal static string Text(JsonElement value, string param)
    {
        Check(value.ValueKind == JsonValueKind.String, param, $"'{param}' must be a string.");
        try
        {
            return value.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw GatewayRequestException.Invalid(param, $"'{param}' is not valid text: it holds an unpaired UTF-16 surrogate.");
        }
    }

    /// <summary>Throws a 400 naming <paramref name="param"/> when <paramref name="condition"/> is false.</summary>
    internal static void Check(bool condition, string param, string message, string code = "invalid_value")
    {
        if (!condition)
        {
            throw GatewayRequestException.Invalid(param, message, code);
        }
    }
}
