using System.Buffers;
using Microsoft.Extensions.AI;

namespace LlmFallback;

/// <content>Text checks: control characters and unpaired surrogates, token counts.</content>
internal static partial class InputValidator
{
    /// <summary>Finds the first control character other than tab, LF and CR, or an unpaired surrogate (vectorised search).</summary>
    internal static (int Position, int Code) FindControl(string? text)
    {
        if (text is null)
        {
            return (-1, 0);
        }

        var span = text.AsSpan();
        var position = 0;
        while (position < span.Length)
        {
            var found = span[position..].IndexOfAny(Suspicious);
            if (found < 0)
            {
                break;
            }

            var i = position + found;
            var c = span[i];
            if (char.IsHighSurrogate(c) && i + 1 < span.Length && char.IsLowSurrogate(span[i + 1]))
            {
                position = i + 2;
                continue;
            }

            return (i, c);
        }

        return (-1, 0);
    }

    private static int CountText(LlmTokenCounter counter, ChatMessage message)
    {
        var tokens = 0;
        foreach (var content in message.Contents)
        {
            tokens += content switch
            {
                TextContent t => counter.CountTokens(t.Text),
                TextReasoningContent r => counter.CountTokens(r.Text),
                _ => 0,
            };
        }

        return tokens;
    }

    private static string Suspects()
    {
        var chars = new List<char>();
        for (var c = '\0'; c < ' '; c++)
        {
            if (c is not ('\t' or '\n' or '\r'))
            {
                chars.Add(c);
            }
        }

        for (var c = '\u007F'; c <= '\u009F'; c++)
        {
            chars.Add(c);
        }

        for (var c = '\uD800'; c <= '\uDFFF'; c++)
        {
            chars.Add(c);
        }

        return new string([.. chars]);
    }
}
