using System.Buffers;
using System.Text.RegularExpressions;

namespace LlmFallback;

/// <summary>
/// Removes credentials from text and exceptions before they leave the library: the keys a caller knows (each adapter
/// passes its provider's) and anything shaped like one: <c>sk-…</c> keys, <c>Bearer …</c> tokens, Google <c>AIza…</c>
/// keys, <c>x-api-key</c> / <c>api-key</c> / <c>x-goog-api-key</c> values, and long random-looking tokens that follow
/// the word "key".
/// </summary>
/// <remarks>
/// Servers echo what they were sent ("Incorrect API key provided: Bearer sk-…"), and SDK exceptions carry the response
/// body and headers in their message and hold the raw response. Adapters therefore never surface an SDK exception
/// itself: they throw a <see cref="LlmProviderException"/> with the classified facts whose inner exception is
/// <see cref="Scrub(Exception, ReadOnlySpan{string?})"/>'s copy. Used on failure paths only.
/// </remarks>
public static partial class LlmSecrets
{
    /// <summary>What a removed secret is replaced with.</summary>
    public const string Redacted = "[REDACTED]";

    // A known secret shorter than this is not looked for: replacing every occurrence of a short string would wreck the
    // text, and no real key is that short.
    private const int MinKnownSecretLength = 8;
    private const int MaxDepth = 8;

    // Every credential pattern below contains one of these, ignoring case: a text without any of them cannot match.
    // The patterns also take the Kelvin sign for a "k" (case-insensitive regex), which an ordinal comparison does not.
    private static readonly SearchValues<string> CredentialMarkers = SearchValues.Create(["sk-", "AIza", "bearer", "key"], StringComparison.OrdinalIgnoreCase);

    /// <summary>Replaces <paramref name="knownSecrets"/> and anything shaped like a credential in <paramref name="text"/>.</summary>
    /// <param name="text">The text, for example an exception message or a provider's error body.</param>
    /// <param name="knownSecrets">Secrets to remove wherever they appear (the provider's key); <see langword="null"/> and short entries are ignored.</param>
    /// <returns>The text without them; the same instance when there was nothing to remove.</returns>
    public static string Scrub(string text, params ReadOnlySpan<string?> knownSecrets)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = text;
        foreach (var secret in knownSecrets)
        {
            if (secret?.Trim() is { Length: >= MinKnownSecretLength } s && result.Contains(s, StringComparison.Ordinal))
            {
                result = result.Replace(s, Redacted, StringComparison.Ordinal);
            }
        }

        if (result.AsSpan().IndexOfAny(CredentialMarkers) < 0 && !result.Contains('\u212A', StringComparison.Ordinal))
        {
            // No credential pattern can match: failure messages ("503", a status line) skip the five scans.
            return result;
        }

        try
        {
            result = OpenAIStyleKey().Replace(result, Redacted);
            result = GoogleKey().Replace(result, Redacted);
            result = BearerToken().Replace(result, "${scheme}" + Redacted);
            result = KeyHeader().Replace(result, "${name}${separator}" + Redacted);
            result = TokenAfterKey().Replace(result, "${lead}" + Redacted);
        }
        catch (RegexMatchTimeoutException)
        {
            // Text too large or odd to check in time: nothing of it may pass.
            return Redacted;
        }

        return string.Equals(result, text, StringComparison.Ordinal) ? text : result;
    }

    /// <summary>
    /// Makes a copy of <paramref name="exception"/> and its inner exceptions that holds no credential and no reference to
    /// the originals (which may hold a raw response): each becomes an exception of the same name whose message and stack
    /// trace went through <see cref="Scrub(string, ReadOnlySpan{string?})"/>. A <see cref="LlmProviderException"/> stays
    /// one, with the same facts, so it classifies as before. Classify the original first; keep the copy.
    /// </summary>
    /// <param name="exception">The exception, for example one an SDK threw.</param>
    /// <param name="knownSecrets">Secrets to remove wherever they appear (the provider's key).</param>
    /// <returns>The copy; <paramref name="exception"/> itself when it is already such a copy.</returns>
    public static Exception Scrub(Exception exception, params ReadOnlySpan<string?> knownSecrets)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return IsScrubbed(exception, 0) ? exception : Copy(exception, knownSecrets, 0);
    }

    /// <summary>
    /// Makes an exception thrown by a provider's client safe to surface. When <paramref name="classifier"/> (the
    /// adapter's) recognises it: a <see cref="LlmProviderException"/> with the classified facts and a scrubbed copy as
    /// its inner exception. A cancellation, and any other exception none of whose messages holds a credential, is
    /// returned as it is (.NET's own transport exceptions carry no provider text, and the shared rules classify them).
    /// </summary>
    /// <param name="exception">The exception the client threw.</param>
    /// <param name="classifier">The adapter's classifier for its SDK's exceptions, if any.</param>
    /// <param name="provider">The provider's name, for <see cref="LlmProviderException.Provider"/>.</param>
    /// <param name="knownSecrets">The provider's secrets (its key).</param>
    /// <returns>The exception to throw.</returns>
    public static Exception Sanitize(Exception exception, ILlmFailureClassifier? classifier, string? provider, params ReadOnlySpan<string?> knownSecrets)
    {
        ArgumentNullException.ThrowIfNull(exception);
        // A cancellation, and an argument error the adapter raised itself before sending anything, carry no response.
        if (exception is OperationCanceledException || IsScrubbed(exception, 0) || (exception is ArgumentException && !HoldsSecret(exception, knownSecrets)))
        {
            return exception;
        }

        var failure = classifier?.Classify(exception);
        if (failure is null)
        {
            if (!HoldsSecret(exception, knownSecrets))
            {
                return exception;
            }

            failure = LlmFailureClassifier.Classify(exception);
        }

        return new LlmProviderException(failure.Kind, provider, failure.StatusCode, failure.RetryAfter, SafeCode(failure.ErrorCode, knownSecrets), Copy(exception, knownSecrets, 0));
    }

    /// <summary>Returns <paramref name="exception"/> itself when none of its messages holds a credential, else a scrubbed copy.</summary>
    internal static Exception ScrubIfNeeded(Exception exception) =>
        exception is OperationCanceledException || IsScrubbed(exception, 0) || !HoldsSecret(exception, default) ? exception : Copy(exception, default, 0);

    /// <summary>Tells whether a text (an error code, a log value) holds anything shaped like a credential.</summary>
    internal static bool LooksSecret(string text) => !ReferenceEquals(Scrub(text), text);

    private static string? SafeCode(string? code, ReadOnlySpan<string?> knownSecrets) =>
        code is null || ReferenceEquals(Scrub(code, knownSecrets), code) ? code : null;

    private static bool HoldsSecret(Exception exception, ReadOnlySpan<string?> knownSecrets)
    {
        var current = exception;
        for (var depth = 0; current is not null && depth < MaxDepth; depth++)
        {
            // Read once: some exceptions build their message anew on every read.
            var message = current.Message;
            if (!ReferenceEquals(Scrub(message, knownSecrets), message))
            {
                return true;
            }

            current = current.InnerException;
        }

        return current is not null;
    }

    /// <summary>Copies made here hold no credential: a scrubbed copy, or a provider exception over one (or over nothing).</summary>
    private static bool IsScrubbed(Exception exception, int depth) => exception switch
    {
        LlmScrubbedException => true,
        LlmProviderException p when depth < MaxDepth => (p.ErrorCode is null || !LooksSecret(p.ErrorCode)) && (p.InnerException is null || IsScrubbed(p.InnerException, depth + 1)),
        _ => false,
    };

    private static Exception Copy(Exception exception, ReadOnlySpan<string?> knownSecrets, int depth)
    {
        if (exception is LlmScrubbedException)
        {
            return exception;
        }

        var inner = exception.InnerException is { } i && depth + 1 < MaxDepth ? Copy(i, knownSecrets, depth + 1) : null;
        return exception is LlmProviderException p
            ? new LlmProviderException(p.Kind, p.Provider, p.StatusCode, p.RetryAfter, SafeCode(p.ErrorCode, knownSecrets), inner)
            : new LlmScrubbedException(
                exception.GetType().FullName ?? exception.GetType().Name,
                Scrub(exception.Message, knownSecrets),
                exception.StackTrace is { } trace ? Scrub(trace, knownSecrets) : null,
                inner);
    }

    [GeneratedRegex(@"(?<![A-Za-z0-9_\-])sk-[A-Za-z0-9_\-]{8,}", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex OpenAIStyleKey();

    [GeneratedRegex(@"(?<![A-Za-z0-9_\-])AIza[A-Za-z0-9_\-]{20,}", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex GoogleKey();

    [GeneratedRegex(@"(?<scheme>\bBearer\s+)(?!\[REDACTED\])[A-Za-z0-9\-._~+/]+=*", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, matchTimeoutMilliseconds: 1000)]
    private static partial Regex BearerToken();

    [GeneratedRegex(
        @"(?<name>\b(?:x-goog-api-key|x-api-key|api-key|api_key|apikey)\b)(?<separator>[""']?\s*[:=]\s*[""']?)(?!\[REDACTED\])[^\s""',;&}\]]+",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase,
        matchTimeoutMilliseconds: 1000)]
    private static partial Regex KeyHeader();

    // "key" then up to two short words ("API key provided: …", "key was '…'"), then a token of 20+ letters, digits,
    // dashes or underscores that mixes letters and digits (random, not a word).
    [GeneratedRegex(
        @"(?<lead>\bkey\b(?:[^A-Za-z0-9\r\n]{1,4}[A-Za-z]{1,12}){0,2}[^A-Za-z0-9\r\n]{1,4})(?=[A-Za-z0-9_\-]*[0-9])(?=[A-Za-z0-9_\-]*[A-Za-z])[A-Za-z0-9_\-]{20,}",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase,
        matchTimeoutMilliseconds: 1000)]
    private static partial Regex TokenAfterKey();
}
