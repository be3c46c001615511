using System.Text;
using Microsoft.Extensions.AI;

namespace LlmFallback;

/// <summary>
/// A request's prompt size, counted at most once per tokenizer encoding and only when a cheap bound cannot decide:
/// byte-level BPE never makes more tokens than the text has UTF-8 bytes, so a request whose bytes fit needs no
/// tokenizer at all. Lives on the routing stage's stack for one request.
/// </summary>
internal struct PromptTokens(IReadOnlyList<ChatMessage> messages, ChatOptions? options)
{
    private const int Unknown = -1;
    private const int PerMessage = 4;
    private const int ReplyPriming = 3;
    private const int PerTool = 8;

    private int _bytes = Unknown;
    private int _images;
    private int _o200k = Unknown;
    private int _cl100k = Unknown;

    /// <summary>Gets the exact o200k_base count if it was counted, else <see langword="null"/>.</summary>
    public readonly int? Counted => _o200k == Unknown ? null : _o200k + (_images * ImageTokens);

    private const int ImageTokens = 765;

    /// <summary>An upper bound of the request's count with <paramref name="counter"/>, without tokenizing.</summary>
    public int UpperBound(LlmTokenCounter counter)
    {
        if (_bytes == Unknown)
        {
            (_bytes, _images) = Bytes(messages, options);
        }

        return _bytes == int.MaxValue ? int.MaxValue : counter.Combine(_bytes, _images);
    }

    /// <summary>The request's count with <paramref name="counter"/>: the text is tokenized once per encoding.</summary>
    public int Count(LlmTokenCounter counter)
    {
        ref var raw = ref counter.Encoding == "cl100k_base" ? ref _cl100k : ref _o200k;
        if (raw == Unknown)
        {
            (raw, _images) = counter.CountParts(messages, options);
        }

        return counter.Combine(raw, _images);
    }

    /// <summary>The exact o200k_base count (what rules' thresholds compare), counted only if the bound cannot decide.</summary>
    public bool IsAtLeast(int tokens)
    {
        var exact = LlmTokenCounter.ForEncoding("o200k_base");
        return UpperBound(exact) >= tokens && Count(exact) >= tokens;
    }

    /// <summary>A rough size for cost estimates: the exact count if known, else a quarter of the bytes.</summary>
    public int Estimate()
    {
        if (_o200k != Unknown)
        {
            return _o200k + (_images * ImageTokens);
        }

        UpperBound(LlmTokenCounter.ForEncoding("o200k_base"));
        return _bytes == int.MaxValue ? Count(LlmTokenCounter.ForEncoding("o200k_base")) : (_bytes / 4) + (_images * ImageTokens);
    }

    /// <summary>
    /// The UTF-8 bytes of everything the counter tokenizes, plus its per-message and per-tool overheads, and the images;
    /// <see cref="int.MaxValue"/> when the request holds content only the tokenizer can size (function calls and results).
    /// </summary>
    private static (int Bytes, int Images) Bytes(IReadOnlyList<ChatMessage> messages, ChatOptions? options)
    {
        long bytes = ReplyPriming;
        var images = 0;
        for (var m = 0; m < messages.Count; m++)
        {
            var message = messages[m];
            bytes += PerMessage + 1 + (message.AuthorName is { } name ? Encoding.UTF8.GetByteCount(name) + 1 : 0);
            var contents = message.Contents;
            for (var i = 0; i < contents.Count; i++)
            {
                switch (contents[i])
                {
                    case TextContent t:
                        bytes += t.Text is null ? 0 : Encoding.UTF8.GetByteCount(t.Text);
                        break;
                    case TextReasoningContent r:
                        bytes += r.Text is null ? 0 : Encoding.UTF8.GetByteCount(r.Text);
                        break;
                    case DataContent d when d.HasTopLevelMediaType("image"):
                    case UriContent u when u.HasTopLevelMediaType("image"):
                        images++;
                        break;
                    case DataContent d:
                        bytes += d.Data.Length / 4;
                        break;
                    case FunctionCallContent:
                    case FunctionResultContent:
                        return (int.MaxValue, 0);
                }
            }
        }

        if (options?.Tools is { Count: > 0 } tools)
        {
            foreach (var tool in tools)
            {
                bytes += PerTool + Encoding.UTF8.GetByteCount(tool.Name) + (tool.Description is { } d ? Encoding.UTF8.GetByteCount(d) : 0);
                if (tool is AIFunctionDeclaration function)
                {
                    bytes += Encoding.UTF8.GetByteCount(function.JsonSchema.GetRawText());
                }
            }
        }

        return (bytes >= int.MaxValue ? int.MaxValue : (int)bytes, images);
    }
}
