using System.Text.Json.Nodes;
using LlmFallback.Conformance;
using Microsoft.AspNetCore.Http;

namespace LlmFallback.Anthropic.Tests;

/// <summary>
/// Thinking as the API returns it when the request turns thinking on: a <c>thinking</c> block with a signature this
/// server issued, first in the answer; and the checks the API makes on the history (<see cref="AnthropicRequestRules"/>).
/// </summary>
public sealed partial class AnthropicLoopbackServer
{
    public const string ThinkingText = "The user wants the weather; the tool gives it.";

    private readonly AnthropicRequestRules _rules = new();

    protected override (int Status, string Body, string Message)? Validate(RecordedRequest request) =>
        request.Path == "/v1/messages" ? _rules.Check(request.Json) : null;

    private JsonArray Content(RecordedRequest req, params JsonObject[] blocks)
    {
        var content = new JsonArray();
        if (AnthropicRequestRules.ThinkingEnabled(req.Json))
        {
            content.Add(new JsonObject { ["type"] = "thinking", ["thinking"] = ThinkingText, ["signature"] = _rules.Issue() });
        }

        foreach (var block in blocks)
        {
            content.Add(block);
        }

        return content;
    }

    private async Task WriteThinkingBlockAsync(HttpContext ctx, int index)
    {
        var start = new JsonObject
        {
            ["type"] = "content_block_start",
            ["index"] = index,
            ["content_block"] = new JsonObject { ["type"] = "thinking", ["thinking"] = string.Empty, ["signature"] = string.Empty },
        };
        await WriteSseAsync(ctx, "content_block_start", start.ToJsonString());
        await WriteSseAsync(ctx, "content_block_delta", Delta(index, new JsonObject { ["type"] = "thinking_delta", ["thinking"] = ThinkingText }));
        await WriteSseAsync(ctx, "content_block_delta", Delta(index, new JsonObject { ["type"] = "signature_delta", ["signature"] = _rules.Issue() }));
        await WriteSseAsync(ctx, "content_block_stop", $$"""{"type":"content_block_stop","index":{{index}}}""");
    }

    private static string Delta(int index, JsonObject delta) =>
        new JsonObject { ["type"] = "content_block_delta", ["index"] = index, ["delta"] = delta }.ToJsonString();
}
