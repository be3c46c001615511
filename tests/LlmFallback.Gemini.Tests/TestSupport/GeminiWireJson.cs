using System.Text.Json.Nodes;

namespace LlmFallback.Gemini.Tests;

/// <summary>
/// Gemini wire bodies as the API writes them (per the public API reference), for the loopback servers: responses,
/// stream chunks and <c>google.rpc.Status</c> error bodies with their detail types.
/// </summary>
internal static class GeminiWireJson
{
    public const string ModelVersion = "gemini-2.5-flash-001";

    public static JsonObject TextPart(string text) => new() { ["text"] = text };

    /// <summary>Adds a <c>thoughtSignature</c> to a part, as Gemini 3 does.</summary>
    public static JsonObject Signed(this JsonObject part, string signature)
    {
        part["thoughtSignature"] = signature;
        return part;
    }

    public static JsonObject FunctionCallPart(string name, string argsJson, string? id = null)
    {
        var call = new JsonObject { ["name"] = name, ["args"] = JsonNode.Parse(argsJson) };
        if (id is not null)
        {
            call["id"] = id;
        }

        return new JsonObject { ["functionCall"] = call };
    }

    public static JsonObject Usage(int prompt, int candidates, int? thoughts = null, int? cached = null)
    {
        var usage = new JsonObject
        {
            ["promptTokenCount"] = prompt,
            ["candidatesTokenCount"] = candidates,
            ["totalTokenCount"] = prompt + candidates + (thoughts ?? 0),
        };
        if (thoughts is not null)
        {
            usage["thoughtsTokenCount"] = thoughts;
        }

        if (cached is not null)
        {
            usage["cachedContentTokenCount"] = cached;
        }

        return usage;
    }

    /// <summary>A <c>GenerateContentResponse</c> (or one stream chunk) with one candidate.</summary>
    public static string Response(JsonNode[] parts, string? finishReason, JsonObject? usage, string responseId = "resp-1", string modelVersion = ModelVersion)
    {
        var candidate = new JsonObject
        {
            ["content"] = new JsonObject { ["parts"] = new JsonArray(parts), ["role"] = "model" },
            ["index"] = 0,
        };
        if (finishReason is not null)
        {
            candidate["finishReason"] = finishReason;
        }

        var response = new JsonObject { ["candidates"] = new JsonArray(candidate) };
        if (usage is not null)
        {
            response["usageMetadata"] = usage;
        }

        response["modelVersion"] = modelVersion;
        response["responseId"] = responseId;
        return response.ToJsonString();
    }

    public static string Text(string text, int inputTokens = 11, int outputTokens = 7, string finishReason = "STOP") =>
        Response([TextPart(text)], finishReason, Usage(inputTokens, outputTokens));

    /// <summary>A prompt blocked before any candidate: <c>promptFeedback.blockReason</c>, no candidates.</summary>
    public static string PromptBlocked(string reason = "SAFETY") => new JsonObject
    {
        ["promptFeedback"] = new JsonObject
        {
            ["blockReason"] = reason,
            ["safetyRatings"] = new JsonArray(new JsonObject { ["category"] = "HARM_CATEGORY_DANGEROUS_CONTENT", ["probability"] = "HIGH" }),
        },
        ["usageMetadata"] = Usage(9, 0),
        ["modelVersion"] = ModelVersion,
        ["responseId"] = "resp-blocked",
    }.ToJsonString();

    public static JsonObject RetryInfo(string delay) => new()
    {
        ["@type"] = "type.googleapis.com/google.rpc.RetryInfo",
        ["retryDelay"] = delay,
    };

    public static JsonObject QuotaFailure(string quotaId) => new()
    {
        ["@type"] = "type.googleapis.com/google.rpc.QuotaFailure",
        ["violations"] = new JsonArray(new JsonObject
        {
            ["quotaMetric"] = "generativelanguage.googleapis.com/generate_content_free_tier_requests",
            ["quotaId"] = quotaId,
            ["quotaDimensions"] = new JsonObject { ["location"] = "global", ["model"] = "gemini-2.5-flash" },
            ["quotaValue"] = "10",
        }),
    };

    public static JsonObject ErrorInfo(string reason) => new()
    {
        ["@type"] = "type.googleapis.com/google.rpc.ErrorInfo",
        ["reason"] = reason,
        ["domain"] = "googleapis.com",
        ["metadata"] = new JsonObject { ["service"] = "generativelanguage.googleapis.com" },
    };

    public static JsonObject Help() => new()
    {
        ["@type"] = "type.googleapis.com/google.rpc.Help",
        ["links"] = new JsonArray(new JsonObject { ["description"] = "Learn more about Gemini API quotas", ["url"] = "https://ai.google.dev/gemini-api/docs/rate-limits" }),
    };

    /// <summary>A <c>google.rpc.Status</c> error body: <c>{"error": {"code", "message", "status", "details"}}</c>.</summary>
    public static string Error(int code, string status, string message, params JsonObject[] details)
    {
        var error = new JsonObject { ["code"] = code, ["message"] = message, ["status"] = status };
        if (details.Length > 0)
        {
            error["details"] = new JsonArray([.. details]);
        }

        return new JsonObject { ["error"] = error }.ToJsonString();
    }

    // Real error texts from the Gemini API.
    public const string ContextLengthMessage = "The input token count (1572864) exceeds the maximum number of tokens allowed (1048576).";
    public const string QuotaMessage = "You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.";
    public const string ApiKeyInvalidMessage = "API key not valid. Please pass a valid API key.";
    public const string NotFoundMessage = "models/gemini-0-nonexistent is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.";
    public const string InternalMessage = "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting";
    public const string OverloadedMessage = "The model is overloaded. Please try again later.";
    public const string UnavailableMessage = "The service is currently unavailable.";
    public const string BadRequestMessage = "Invalid JSON payload received. Unknown name \"temprature\" at 'generation_config': Cannot find field.";
    public const string PermissionDeniedMessage = "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.";
    public const string DeadlineMessage = "Deadline expired before operation could complete.";
    public const string LocationMessage = "User location is not supported for the API use.";
    public const string FileNotFoundMessage = "Requested entity was not found.";
    public const string FilePermissionMessage = "You do not have permission to access the File 2ezgg6w3mc1g or it may not exist.";
    public const string FileNotActiveMessage = "The File 2ezgg6w3mc1g is not in an ACTIVE state and usage is not allowed.";
    public const string InputContextTooLongMessage = "The input context is too long.";
    public const string PromptTooLargeMessage = "Your prompt (or context) is too large to be processed in time.";
}
