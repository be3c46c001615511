using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.ML.Tokenizers;

namespace LlmFallback;

/// <summary>
/// Counts tokens of text and of whole requests with the tokenizer of a model: exact for OpenAI models (o200k_base,
/// cl100k_base), a documented approximation for the others. Used for context-window checks, usage estimates, budgets
/// and input limits. Thread-safe; instances are cached per encoding and scale.
/// </summary>
/// <remarks>
/// <para>
/// Anthropic, Gemini and open-weight models do not publish a tokenizer this library can run offline. For them the
/// count is the o200k_base count multiplied by <see cref="ApproximationFactor"/> (1.2 by default), which over-counts
/// English and code slightly more often than it under-counts: a window check errs on the side of not sending a
/// request that would be rejected. <see cref="IsApproximate"/> says which kind of count an instance makes.
/// </para>
/// <para>
/// A request's count follows OpenAI's chat format: 3 tokens per message, 1 for a participant name, 3 to prime the
/// reply; tool definitions count their name, description and JSON schema; an image counts as 765 tokens (one
/// high-detail 1024×1024 image) unless the provider reports otherwise.
/// </para>
/// </remarks>
public sealed class LlmTokenCounter
{
    /// <summary>The factor applied to o200k_base counts for models whose tokenizer is not available.</summary>
    public const double ApproximationFactor = 1.2;

    private const int TokensPerMessage = 3;
    private const int TokensPerName = 1;
    private const int ReplyPriming = 3;
    private const int TokensPerImage = 765;
    private const int TokensPerTool = 8;

    private static readonly ConcurrentDictionary<(string, double), LlmTokenCounter> Cache = new();
    private static readonly Lazy<Tokenizer> O200k = new(() => TiktokenTokenizer.CreateForEncoding("o200k_base"));
    private static readonly Lazy<Tokenizer> Cl100k = new(() => TiktokenTokenizer.CreateForEncoding("cl100k_base"));

    private readonly Lazy<Tokenizer> _tokenizer;
    private readonly double _scale;

    private LlmTokenCounter(string encoding, double scale)
    {
        Encoding = encoding;
        _scale = scale;
        _tokenizer = encoding == "cl100k_base" ? Cl100k : O200k;
    }

    /// <summary>Gets the tiktoken encoding counted with: <c>o200k_base</c> or <c>cl100k_base</c>.</summary>
    public string Encoding { get; }

    /// <summary>Gets a value indicating whether counts are scaled approximations rather than the model's own tokenizer.</summary>
    public bool IsApproximate => _scale != 1.0;

    /// <summary>Gets the counter for a model: exact for OpenAI model names, approximate for every other name.</summary>
    /// <param name="modelId">The model id, e.g. <c>gpt-4o-mini</c>, <c>claude-sonnet-4-5</c>; <see langword="null"/> for the approximate counter.</param>
    /// <returns>A cached counter.</returns>
    public static LlmTokenCounter ForModel(string? modelId)
    {
        var (encoding, scale) = EncodingFor(modelId);
        return ForEncoding(encoding, scale);
    }

    /// <summary>Gets a counter for an encoding, with a scale applied to every count.</summary>
    /// <param name="encoding"><c>o200k_base</c> or <c>cl100k_base</c>.</param>
    /// <param name="scale">The factor applied to counts; 1 for an exact count.</param>
    /// <returns>A cached counter.</returns>
    /// <exception cref="ArgumentException"><paramref name="encoding"/> is not a supported encoding.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="scale"/> is not between 0.5 and 4.</exception>
    public static LlmTokenCounter ForEncoding(string encoding, double scale = 1.0)
    {
        ArgumentNullException.ThrowIfNull(encoding);
        if (encoding is not ("o200k_base" or "cl100k_base"))
        {
            throw new ArgumentException($"Unsupported encoding '{encoding}'; use o200k_base or cl100k_base.", nameof(encoding));
        }

        if (!(scale >= 0.5 && scale <= 4))
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "The scale must be between 0.5 and 4.");
        }

        return Cache.GetOrAdd((encoding, scale), static key => new LlmTokenCounter(key.Item1, key.Item2));
    }

    /// <summary>Counts the tokens of a text.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The token count (scaled when approximate).</returns>
    public int CountTokens(ReadOnlySpan<char> text) =>
        text.IsEmpty ? 0 : Scale(_tokenizer.Value.CountTokens(text, considerPreTokenization: true, considerNormalization: true));

    /// <summary>Counts the tokens of a text.</summary>
    /// <param name="text">The text, or <see langword="null"/>.</param>
    /// <returns>The token count (scaled when approximate).</returns>
    public int CountTokens(string? text) => CountTokens(text.AsSpan());

    /// <summary>Counts the prompt tokens of a request: messages in the chat format, plus tool definitions.</summary>
    /// <param name="messages">The messages.</param>
    /// <param name="options">The options whose tools are counted, or <see langword="null"/>.</param>
    /// <returns>The prompt token count.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="messages"/> is <see langword="null"/>.</exception>
    public int CountTokens(IEnumerable<ChatMessage> messages, ChatOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var (raw, images) = CountParts(messages, options);
        return Combine(raw, images);
    }

    /// <summary>A request's count from its parts: the unscaled token count of its text, and its images.</summary>
    internal int Combine(int raw, int images) => Scale(raw) + (images * TokensPerImage);

    /// <summary>
    /// The parts of a request's count: its text tokens with this counter's encoding (unscaled) and its images, so a
    /// caller that needs the counts of several counters of one encoding tokenizes the request once.
    /// </summary>
    internal (int Raw, int Images) CountParts(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        var raw = ReplyPriming;
        var images = 0;
        foreach (var message in messages)
        {
            if (message is null)
            {
                continue;
            }

            raw += TokensPerMessage + 1;
            if (message.AuthorName is { Length: > 0 } name)
            {
                raw += TokensPerName + Raw(name);
            }

            foreach (var content in message.Contents)
            {
                switch (content)
                {
                    case TextContent t:
                        raw += Raw(t.Text);
                        break;
                    case TextReasoningContent r:
                        raw += Raw(r.Text);
                        break;
                    case FunctionCallContent call:
                        raw += Raw(call.Name) + (call.Arguments is { Count: > 0 } args ? Raw(Serialize(args, typeof(IDictionary<string, object?>))) : 0);
                        break;
                    case FunctionResultContent result:
                        raw += Raw(result.Result switch
                        {
                            null => null,
                            string s => s,
                            JsonElement e => e.GetRawText(),
                            _ => Serialize(result.Result, result.Result.GetType()),
                        });
                        break;
                    case DataContent data when data.HasTopLevelMediaType("image"):
                    case UriContent uri when uri.HasTopLevelMediaType("image"):
                        images++;
                        break;
                    case DataContent data:
                        // Documents (PDF, audio) are provider-specific; a byte-based estimate keeps the count from being zero.
                        raw += data.Data.Length / 4;
                        break;
                }
            }
        }

        if (options?.Tools is { Count: > 0 } tools)
        {
            foreach (var tool in tools)
            {
                raw += TokensPerTool + Raw(tool.Name) + Raw(tool.Description);
                if (tool is AIFunctionDeclaration function)
                {
                    raw += Raw(function.JsonSchema.GetRawText());
                }
            }
        }

        return (raw, images);
    }

    private static (string Encoding, double Scale) EncodingFor(string? modelId)
    {
        if (modelId is { Length: > 0 } id)
        {
            // An organisation prefix ("openai/gpt-4o") or a deployment suffix does not change the tokenizer.
            var slash = id.LastIndexOf('/');
            var name = slash >= 0 ? id.AsSpan(slash + 1) : id.AsSpan();
            if (StartsWith(name, "gpt-4o") || StartsWith(name, "gpt-4.1") || StartsWith(name, "gpt-4.5") || StartsWith(name, "gpt-5")
                || StartsWith(name, "o1") || StartsWith(name, "o3") || StartsWith(name, "o4") || StartsWith(name, "chatgpt-4o")
                || StartsWith(name, "gpt-oss") || StartsWith(name, "omni-moderation"))
            {
                return ("o200k_base", 1.0);
            }

            if (StartsWith(name, "gpt-4") || StartsWith(name, "gpt-3.5") || StartsWith(name, "gpt-35") || StartsWith(name, "text-embedding-"))
            {
                return ("cl100k_base", 1.0);
            }
        }

        return ("o200k_base", ApproximationFactor);
    }

    private static bool StartsWith(ReadOnlySpan<char> name, string prefix) => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase);

    private static string? Serialize(object value, Type type)
    {
        try
        {
            return JsonSerializer.Serialize(value, AIJsonUtilities.DefaultOptions.GetTypeInfo(type));
        }
        catch (NotSupportedException)
        {
            // A type without JSON metadata (trimmed apps): its text form is a fair estimate.
            return value.ToString();
        }
    }

    private int Raw(string? text) => string.IsNullOrEmpty(text) ? 0 : _tokenizer.Value.CountTokens(text, considerPreTokenization: true, considerNormalization: true);

    private int Scale(int raw) => _scale == 1.0 ? raw : (int)Math.Ceiling(raw * _scale);
}
