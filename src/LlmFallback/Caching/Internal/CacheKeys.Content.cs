using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace LlmFallback;

/// <content>Framing of messages and options. A value the key cannot represent makes the request uncacheable.</content>
internal static partial class CacheKeys
{
    private const string OwnPropertyPrefix = "llmfallback.";

    // Tool schemas and response-format schemas are immutable per instance in practice; their digest is computed once.
    private static readonly ConditionalWeakTable<object, byte[]> SchemaDigests = [];

    // No options and empty options ask the same thing, so they frame the same bytes.
    private static readonly ChatOptions NoOptions = new();

    private static bool WriteOptions(KeyWriter w, ChatOptions? options)
    {
        var o = options ?? NoOptions;
        w.String(11, o.Instructions);
        Nullable(w, 12, o.Temperature);
        Nullable(w, 13, o.TopP);
        Nullable(w, 14, o.TopK);
        Nullable(w, 15, o.MaxOutputTokens);
        Nullable(w, 16, o.FrequencyPenalty);
        Nullable(w, 17, o.PresencePenalty);
        if (o.Seed is { } seed)
        {
            // Exact: through a double, seeds past 2^53 shared a key. Its own tag, so no entry framed the old way matches.
            w.Int(32, seed);
        }
        else
        {
            w.Tag(18 | 0x80);
        }

        w.Bool(19, o.AllowMultipleToolCalls ?? true);
        if (o.RawRepresentationFactory is not null)
        {
            // The caller's description of what the factory sets (the request is not cacheable without one).
            w.String(33, o.GetCacheRawRepresentationKey());
        }

        if (o.StopSequences is { } stops)
        {
            for (var i = 0; i < stops.Count; i++)
            {
                w.String(20, stops[i]);
            }
        }

        if (o.Reasoning is { } reasoning)
        {
            w.String(21, reasoning.Effort?.ToString());
            w.String(22, reasoning.Output?.ToString());
        }

        switch (o.ResponseFormat)
        {
            case null:
                break;
            case ChatResponseFormatJson json:
                w.String(23, json.SchemaName);
                w.String(24, json.SchemaDescription);
                if (json.Schema is not null)
                {
                    w.Bytes(25, Digest(json));
                }

                break;
            default:
                w.String(26, o.ResponseFormat.GetType().Name);
                break;
        }

        w.String(27, o.ToolMode switch
        {
            null => null,
            RequiredChatToolMode required => "required:" + required.RequiredFunctionName,
            NoneChatToolMode => "none",
            _ => "auto",
        });
        if (o.Tools is { } tools)
        {
            for (var i = 0; i < tools.Count; i++)
            {
                var tool = tools[i];
                if (tool is not AIFunctionDeclaration declaration)
                {
                    // A hosted tool (MCP server, web or file search, code interpreter) is more than its name and its
                    // answer depends on the world outside the request: never cached.
                    return false;
                }

                w.String(28, tool.Name);
                w.String(29, tool.Description);
                w.Bytes(30, Digest(declaration));
                if (tool.AdditionalProperties is { Count: > 0 } toolProps)
                {
                    // They reach the provider ("strictJsonSchema" constrains the arguments). Written only when present,
                    // so the keys of tools without any are unchanged.
                    foreach (var (key, value) in toolProps)
                    {
                        w.String(34, key);
                        if (!Value(w, value))
                        {
                            return false;
                        }
                    }
                }
            }
        }

        if (o.AdditionalProperties is { } props)
        {
            foreach (var (key, value) in props)
            {
                if (!key.StartsWith(OwnPropertyPrefix, StringComparison.Ordinal))
                {
                    w.String(31, key);
                    if (!Value(w, value))
                    {
                        return false;
                    }
                }
            }
        }

        return true;
    }

    private static bool WriteMessage(KeyWriter w, ChatMessage message)
    {
        w.String(40, message.Role.Value);
        w.String(41, message.AuthorName);
        var contents = message.Contents;
        for (var i = 0; i < contents.Count; i++)
        {
            switch (contents[i])
            {
                case TextContent text:
                    Text(w, 42, text.Text);
                    break;
                case TextReasoningContent reasoning:
                    Text(w, 43, reasoning.Text);
                    if (reasoning.ProtectedData is { } sealedReasoning)
                    {
                        // Encrypted or redacted reasoning goes back to the provider, which reasons on from it.
                        w.String(52, sealedReasoning);
                    }

                    break;
                case DataContent data:
                    w.String(44, data.MediaType);
                    w.Digest(45, data.Data.Span);
                    if (data.Name is { } fileName)
                    {
                        // Sent with the bytes (a file's name, an attachment's display name).
                        w.String(53, fileName);
                    }

                    break;
                case UriContent uri:
                    w.String(46, uri.MediaType);
                    w.String(47, uri.Uri.OriginalString);
                    break;
                case FunctionCallContent call:
                    w.String(48, call.CallId);
                    w.String(49, call.Name);
                    if (call.Arguments is { } args)
                    {
                        foreach (var (name, value) in args)
                        {
                            w.String(50, name);
                            if (!Value(w, value))
                            {
                                return false;
                            }
                        }
                    }

                    break;
                case FunctionResultContent result:
                    w.String(51, result.CallId);
                    if (!Value(w, result.Result))
                    {
                        return false;
                    }

                    break;
                default:
                    return false;
            }
        }

        return true;
    }

    /// <summary>Normalises text: surrounding white space is dropped and line ends are written as <c>\n</c>.</summary>
    private static void Text(KeyWriter w, byte tag, string text)
    {
        var span = text.AsSpan().Trim();
        if (span.Contains('\r'))
        {
            w.String(tag, span.ToString().Replace("\r\n", "\n", StringComparison.Ordinal));
            return;
        }

        w.String(tag, span);
    }

    private static bool Value(KeyWriter w, object? value)
    {
        switch (value)
        {
            case null:
                w.Tag(60);
                return true;
            case string s:
                w.String(61, s);
                return true;
            case bool b:
                w.Bool(62, b);
                return true;
            case JsonElement element:
                w.String(63, element.GetRawText());
                return true;
            case DateTime or DateTimeOffset:
                // The general format drops the fraction of a second; the round-trip format keeps every tick and the kind.
                w.String(64, value.GetType().Name);
                w.String(65, ((IFormattable)value).ToString("O", CultureInfo.InvariantCulture));
                return true;
            case IFormattable formattable:
                w.String(64, value.GetType().Name);
                w.String(65, formattable.ToString(null, CultureInfo.InvariantCulture));
                return true;
            default:
                return false;
        }
    }

    private static void Nullable<T>(KeyWriter w, byte tag, T? value)
        where T : struct, IConvertible
    {
        if (value is { } v)
        {
            w.Double(tag, v.ToDouble(CultureInfo.InvariantCulture));
        }
        else
        {
            w.Tag((byte)(tag | 0x80));
        }
    }

    private static byte[] Digest(object owner) =>
        SchemaDigests.GetValue(owner, static o => System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(o switch
        {
            AIFunctionDeclaration f => f.JsonSchema.GetRawText() + "\n" + f.ReturnJsonSchema?.GetRawText(),
            ChatResponseFormatJson j => j.Schema?.GetRawText() ?? string.Empty,
            _ => string.Empty,
        })));
}
