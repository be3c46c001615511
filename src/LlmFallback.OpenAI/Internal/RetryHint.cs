using System.Globalization;

namespace LlmFallback.OpenAI;

/// <summary>
/// Reads the wait that rate-limit messages state in words when no header says it: OpenAI's
/// "Please try again in 1.2s" (also <c>20ms</c>, <c>6m0s</c>) and Azure's "Please retry after 2 seconds".
/// </summary>
internal static class RetryHint
{
    private static readonly string[] Phrases = ["try again in ", "retry after ", "retry in "];

    public static bool TryParse(string? message, out TimeSpan delay)
    {
        delay = default;
        if (string.IsNullOrEmpty(message))
        {
            return false;
        }

        foreach (var phrase in Phrases)
        {
            var at = message.IndexOf(phrase, StringComparison.OrdinalIgnoreCase);
            if (at >= 0 && TryParseDuration(message.AsSpan(at + phrase.Length), out delay))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Parses a run of <c>&lt;number&gt;&lt;unit&gt;</c> terms such as <c>1m30.5s</c> or <c>2 seconds</c>.</summary>
    internal static bool TryParseDuration(ReadOnlySpan<char> text, out TimeSpan delay)
    {
        delay = default;
        double seconds = 0;
        var terms = 0;
        while (true)
        {
            var numberLength = 0;
            while (numberLength < text.Length && (char.IsAsciiDigit(text[numberLength]) || text[numberLength] == '.'))
            {
                numberLength++;
            }

            if (numberLength == 0 || !double.TryParse(text[..numberLength], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
            {
                break;
            }

            var rest = text[numberLength..].TrimStart(' ');
            var unitLength = 0;
            while (unitLength < rest.Length && char.IsAsciiLetter(rest[unitLength]))
            {
                unitLength++;
            }

            var scale = Scale(rest[..unitLength]);
            if (scale is null)
            {
                break;
            }

            seconds += amount * scale.Value;
            terms++;
            text = rest[unitLength..];
        }

        if (terms == 0 || !double.IsFinite(seconds))
        {
            return false;
        }

        delay = TimeSpan.FromSeconds(Math.Min(seconds, LlmRetryAfter.MaxValue.TotalSeconds));
        return true;
    }

    private static double? Scale(ReadOnlySpan<char> unit) => unit switch
    {
        "ms" or "millisecond" or "milliseconds" => 0.001,
        "s" or "sec" or "secs" or "second" or "seconds" => 1,
        "m" or "min" or "mins" or "minute" or "minutes" => 60,
        "h" or "hour" or "hours" => 3600,
        _ => null,
    };
}
