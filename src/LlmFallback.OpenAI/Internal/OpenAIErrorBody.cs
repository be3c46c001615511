using System.Text.Json;

namespace LlmFallback.OpenAI;

/// <summary>
/// The facts of an error body in the shapes OpenAI-style servers send: <c>{"error":{"message","type","code"}}</c>
/// (OpenAI, Azure OpenAI with <c>innererror.code</c>, llama.cpp, Ollama, hosted compatibles),
/// <c>{"object":"error","message","type","code":400}</c> (vLLM, Mistral) and <c>{"error":"…","error_type":"…"}</c> (TGI).
/// </summary>
internal readonly record struct OpenAIErrorBody(string? Code, string? Message, int? Status = null)
{
    public static OpenAIErrorBody Parse(BinaryData? content)
    {
        if (content is null)
        {
            return default;
        }

        try
        {
            using var document = JsonDocument.Parse(content.ToMemory());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return default;
            }

            var error = root.TryGetProperty("error", out var e) ? e : root;
            if (error.ValueKind == JsonValueKind.String)
            {
                return new(PickCode(String(root, "error_type"), null, null), error.GetString());
            }

            if (error.ValueKind != JsonValueKind.Object)
            {
                return default;
            }

            var inner = error.TryGetProperty("innererror", out var ie) && ie.ValueKind == JsonValueKind.Object ? String(ie, "code") : null;
            return new(PickCode(String(error, "code"), inner, String(error, "type")), String(error, "message"), Number(error, "code"));
        }
        catch (JsonException)
        {
            return default;
        }
    }

    /// <summary>Prefers a code the shared rules know; otherwise the most specific code present.</summary>
    private static string? PickCode(string? code, string? innerCode, string? type)
    {
        if (LlmFailureClassifier.KindFromErrorCode(code) is not null)
        {
            return code;
        }

        if (LlmFailureClassifier.KindFromErrorCode(innerCode) is not null)
        {
            return innerCode;
        }

        if (LlmFailureClassifier.KindFromErrorCode(type) is not null)
        {
            return type;
        }

        return code ?? innerCode ?? type;
    }

    // Numeric codes (vLLM, Azure "429") repeat the status and say nothing more.
    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text && !IsNumber(text)
            ? text
            : null;

    // vLLM and llama.cpp repeat the HTTP status as a numeric code; Azure as a string.
    private static int? Number(JsonElement element, string name) =>
        !element.TryGetProperty(name, out var value) ? null
        : value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) ? n
        : value.ValueKind == JsonValueKind.String && int.TryParse(value.GetString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out n) ? n
        : null;

    private static bool IsNumber(string text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
