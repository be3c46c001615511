using System.Globalization;
using Microsoft.Extensions.AI;

namespace LlmFallback.Gemini;

/// <summary>Turns Gemini response parts, finish reasons and usage into Microsoft.Extensions.AI types.</summary>
internal static partial class GeminiContentMapper
{
    /// <summary>Prefix of the call ids this adapter makes up for function calls the API sent without an id.</summary>
    internal const string GeneratedCallIdPrefix = "gemini_";

    public static bool HasFunctionCall(List<GeminiPart>? parts)
    {
        if (parts is null)
        {
            return false;
        }

        foreach (var part in parts)
        {
            if (part.FunctionCall is not null)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Adds the contents of <paramref name="parts"/> to <paramref name="contents"/>.</summary>
    /// <param name="parts">The parts of a response or of one streamed chunk.</param>
    /// <param name="contents">Receives the contents.</param>
    /// <param name="streamed">
    /// Whether the parts are one chunk of a stream. <c>ToChatResponse()</c> merges streamed text and keeps only the first
    /// piece's properties, so a signature on a later text piece travels as its own signature-only reasoning content.
    /// </param>
    public static void AddContents(List<GeminiPart>? parts, IList<AIContent> contents, bool streamed = false)
    {
        if (parts is null)
        {
            return;
        }

        foreach (var part in parts)
        {
            if (streamed && part is { Text.Length: > 0, Thought: not true, ThoughtSignature: { } signature, FunctionCall: null })
            {
                contents.Add(new TextContent(part.Text));
                contents.Add(SignatureOnly(signature));
            }
            else if (ToContent(part) is { } content)
            {
                contents.Add(content);
            }
        }
    }

    public static AIContent? ToContent(GeminiPart part)
    {
        AIContent content;
        if (part.FunctionCall is { } call)
        {
            content = new FunctionCallContent(call.Id is { Length: > 0 } id ? id : NewCallId(), call.Name ?? string.Empty, GeminiJson.ToArguments(call.Args));
        }
        else if (part.Text is { } text)
        {
            if (part.Thought == true)
            {
                return Gemini(new TextReasoningContent(text) { ProtectedData = part.ThoughtSignature });
            }

            if (text.Length == 0 && part.ThoughtSignature is { } emptyTextSignature)
            {
                // The last part of an answer (often the last chunk of a stream) may carry only the signature on an
                // empty text: as reasoning it is neither merged into the answer's text nor lost when it is.
                return SignatureOnly(emptyTextSignature);
            }

            content = new TextContent(text);
        }
        else if (part.InlineData is { Data: { } data } blob)
        {
            content = new DataContent(Convert.FromBase64String(data), blob.MimeType ?? "application/octet-stream");
        }
        else if (part.FileData is { FileUri: { } uri } file && Uri.TryCreate(uri, UriKind.Absolute, out var fileUri))
        {
            content = new UriContent(fileUri, file.MimeType ?? "application/octet-stream");
        }
        else if (part.ThoughtSignature is { } signatureOnly)
        {
            return SignatureOnly(signatureOnly);
        }
        else
        {
            return null;
        }

        if (part.ThoughtSignature is { } signature)
        {
            (content.AdditionalProperties ??= [])[GeminiChatClient.ThoughtSignatureKey] = signature;
        }

        return content is FunctionCallContent || part.ThoughtSignature is not null ? Gemini(content) : content;
    }

    public static string? GetThoughtSignature(AIContent content) =>
        content.AdditionalProperties?.TryGetValue(GeminiChatClient.ThoughtSignatureKey, out var value) == true ? value as string : null;

    /// <summary>The id to send with a function call or response: the API's own ids go back, ids made up here do not.</summary>
    public static string? ApiCallId(string callId) =>
        string.IsNullOrEmpty(callId) || callId.StartsWith(GeneratedCallIdPrefix, StringComparison.Ordinal) ? null : callId;

    /// <summary>A signature that came without text or on an empty text: sent back as <c>{"text": "", "thoughtSignature": …}</c>.</summary>
    public static TextReasoningContent SignatureOnly(string signature) => Gemini(new TextReasoningContent(string.Empty) { ProtectedData = signature });

    public static string NewCallId() =>
        GeneratedCallIdPrefix + Random.Shared.NextInt64().ToString("x16", CultureInfo.InvariantCulture);

    private static TContent Gemini<TContent>(TContent content)
        where TContent : AIContent
    {
        content.SetOrigin(LlmProviderFamily.Gemini);
        return content;
    }
}
