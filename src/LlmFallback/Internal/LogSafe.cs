using System.Globalization;

namespace LlmFallback;

/// <summary>Formats facts for messages and logs so that no provider-supplied free text slips through.</summary>
internal static class LogSafe
{
    private const int MaxCodeLength = 64;

    /// <summary>Keeps an error code only if it looks like a code (letters, digits, <c>_ - . :</c>) and not like a credential, truncated.</summary>
    public static string Code(string code)
    {
        if (LlmSecrets.LooksSecret(code))
        {
            return "(unprintable error code)";
        }

        var length = Math.Min(code.Length, MaxCodeLength);
        for (var i = 0; i < length; i++)
        {
            var c = code[i];
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or ':'))
            {
                return "(unprintable error code)";
            }
        }

        return code.Length > MaxCodeLength ? code[..MaxCodeLength] : code;
    }

    public static string Duration(TimeSpan value) =>
        value.TotalSeconds >= 1
            ? value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s"
            : value.TotalMilliseconds.ToString("0.#", CultureInfo.InvariantCulture) + "ms";
}
