using Microsoft.Extensions.AI;

namespace LlmFallback.Gemini;

public sealed partial class GeminiChatClient
{
    private ChatResponse ToChatResponse(GenerateContentResponse body, string model)
    {
        if (body.Error is { } error)
        {
            throw GeminiErrors.Create(error.Code, error, null, _provider, _apiKey);
        }

        if (body.PromptFeedback?.BlockReason is { Length: > 0 } blockReason)
        {
            throw Blocked(blockReason, model);
        }

        if (body.Candidates is not { Count: > 0 } candidates)
        {
            throw new InvalidDataException("The Gemini response has no candidates and no block reason.");
        }

        var candidate = candidates[0];
        var parts = candidate.Content?.Parts;
        if (GeminiContentMapper.IsContentFilter(candidate.FinishReason) && _options.ThrowOnContentFilter)
        {
            throw Blocked(candidate.FinishReason!, model);
        }

        var message = new ChatMessage(ChatRole.Assistant, new List<AIContent>(parts?.Count ?? 0)) { MessageId = body.ResponseId };
        GeminiContentMapper.AddContents(parts, message.Contents);
        return new ChatResponse(message)
        {
            ResponseId = body.ResponseId,
            ModelId = body.ModelVersion ?? model,
            FinishReason = GeminiContentMapper.ToFinishReason(candidate.FinishReason, GeminiContentMapper.HasFunctionCall(parts)),
            Usage = GeminiContentMapper.ToUsage(body.UsageMetadata),
        };
    }

    /// <summary>A refused prompt (<c>promptFeedback.blockReason</c>, <c>MODEL_ARMOR</c> included) or a filtered answer.</summary>
    private LlmProviderException Blocked(string reason, string model)
    {
        var exception = GeminiErrors.Blocked(reason, _provider);
        Log.Blocked(_logger, _provider, model, reason);
        return exception;
    }
}
