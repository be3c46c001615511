using System.Globalization;
using System.Text;
using Microsoft.Extensions.AI;

namespace LlmFallback.Gemini;

/// <summary>
/// Turns a <see cref="FunctionResultContent"/> into a <c>functionResponse</c>. A result made of contents sends its text
/// as the <c>output</c> and its media (images, documents) in <c>functionResponse.parts</c>, the API's multimodal
/// function responses, instead of base64 inside JSON text the model cannot see as an image.
/// </summary>
internal static class GeminiFunctionResponses
{
    public static GeminiFunctionResponse Create(FunctionResultContent result, string name)
    {
        var failed = result.Exception is not null;
        var response = new GeminiFunctionResponse { Id = GeminiContentMapper.ApiCallId(result.CallId), Name = name };
        switch (result.Result)
        {
            case AIContent single:
                response.Response = FromContents([single], response, failed);
                break;
            case IEnumerable<AIContent> contents:
                response.Response = FromContents(contents, response, failed);
                break;
            default:
                response.Response = GeminiJson.FunctionResponse(result.Result, failed);
                break;
        }

        return response;
    }

    private static System.Text.Json.JsonElement FromContents(IEnumerable<AIContent> contents, GeminiFunctionResponse response, bool failed)
    {
        StringBuilder? text = null;
        foreach (var content in contents)
        {
            switch (content)
            {
                case TextContent { Text.Length: > 0 } part:
                    (text ??= new()).Append(text.Length > 0 ? "\n" : string.Empty).Append(part.Text);
                    break;
                case DataContent data:
                    response.Parts ??= [];
                    var displayName = data.Name ?? string.Create(CultureInfo.InvariantCulture, $"attachment_{response.Parts.Count + 1}");
                    response.Parts.Add(new GeminiFunctionResponsePart
                    {
                        InlineData = new GeminiBlob { MimeType = data.MediaType, Data = data.Base64Data.ToString(), DisplayName = displayName },
                    });
                    break;
                case UriContent uri:
                    // Function responses take inline media only: a link is named in the text.
                    (text ??= new()).Append(text.Length > 0 ? "\n" : string.Empty).Append(uri.Uri.OriginalString);
                    break;
            }
        }

        return GeminiJson.FunctionResponse(text?.ToString() ?? string.Empty, failed);
    }
}
