using System.Globalization;
using System.Net.Http.Headers;

namespace LlmFallback;

/// <summary>Reads how long a provider asked the caller to wait, from the forms providers use.</summary>
public static class LlmRetryAfter
{
    /// <summary>The longest wait a provider can ask for; longer values are clamped so arithmetic never overflows.</summary>
    public static readonly TimeSpan MaxValue = TimeSpan.FromDays(1);

    /// <summary>Reads <c>retry-after-ms</c> (preferred, it is more precise) or <c>Retry-After</c> from response headers.</summary>
    /// <param name="headers">The response headers.</param>
    /// <param name="now">The current time, used to turn an HTTP-date into a delay.</param>
    /// <param name="retryAfter">The delay, when one was found.</param>
    /// <returns><see langword="true"/> if the headers carried a usable delay.</returns>
    public static bool TryParse(HttpHeaders headers, DateTimeOffset now, out TimeSpan retryAfter)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var ms = headers.TryGetValues("retry-after-ms", out var msValues) ? First(msValues) : null;
        var seconds = headers.TryGetValues("Retry-After", out var values) ? First(values) : null;
        return TryParse(ms, seconds, now, out retryAfter);
    }

    /// <summary>Reads a delay from the raw values of the <c>retry-after-ms</c> and <c>Retry-After</c> headers.</summary>
    /// <param name="retryAfterMilliseconds">The <c>retry-after-ms</c> value, or <see langword="null"/>.</param>
    /// <param name="retryAfter">The <c>Retry-After</c> value (delta-seconds or HTTP-date), or <see langword="null"/>.</param>
    /// <param name="now">The current time, used to turn an HTTP-date into a delay.</param>
    /// <param name="delay">The delay, when one was found.</param>
    /// <returns><see langword="true"/> if either value was a usable delay.</returns>
    public static bool TryParse(string? retryAfterMilliseconds, string? retryAfter, DateTimeOffset now, out TimeSpan delay)
    {
        if (retryAfterMilliseconds is not null
            && double.TryParse(retryAfterMilliseconds.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var ms)
            && ms >= 0 && double.IsFinite(ms))
        {
            delay = Clamp(TimeSpan.FromMilliseconds(Math.Min(ms, MaxValue.TotalMilliseconds)));
            return true;
        }

        if (retryAfter is not null)
        {
            var text = retryAfter.Trim();
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0 && double.IsFinite(seconds))
            {
                delay = Clamp(TimeSpan.FromSeconds(Math.Min(seconds, MaxValue.TotalSeconds)));
                return true;
            }

            if (DateTimeOffset.TryParseExact(text, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
                || DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out date))
            {
                delay = Clamp(date - now);
                return true;
            }
        }

        delay = default;
        return false;
    }

    /// <summary>Reads a protobuf/JSON duration such as <c>"2s"</c>, <c>"1.5s"</c> or <c>"0.250s"</c> (Gemini's <c>RetryInfo.retryDelay</c>).</summary>
    /// <param name="value">The duration text.</param>
    /// <param name="delay">The delay, when the text was a duration.</param>
    /// <returns><see langword="true"/> if <paramref name="value"/> was a duration.</returns>
    public static bool TryParseDuration(string? value, out TimeSpan delay)
    {
        delay = default;
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        var text = value.AsSpan().Trim();
        double scale = 1;
        if (text.EndsWith("ms", StringComparison.OrdinalIgnoreCase))
        {
            scale = 0.001;
            text = text[..^2];
        }
        else if (text.EndsWith('s') || text.EndsWith('S'))
        {
            text = text[..^1];
        }
        else
        {
            return false;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) || amount < 0 || !double.IsFinite(amount))
        {
            return false;
        }

        delay = Clamp(TimeSpan.FromSeconds(Math.Min(amount * scale, MaxValue.TotalSeconds)));
        return true;
    }

    private static TimeSpan Clamp(TimeSpan value) => value < TimeSpan.Zero ? TimeSpan.Zero : value > MaxValue ? MaxValue : value;

    private static string? First(IEnumerable<string> values)
    {
        foreach (var v in values)
        {
            return v;
        }

        return null;
    }
}
