namespace LlmFallback;

/// <summary>Context words that raise a candidate's confidence, searched near it (case-insensitive).</summary>
internal static class Context
{
    private const int Before = 48;
    private const int After = 24;

    public static readonly string[] Phone = ["phone", "call", "tel", "mobile", "cell", "fax", "contact", "whatsapp", "sms", "text me", "reach me"];
    public static readonly string[] Card = ["card", "visa", "mastercard", "amex", "credit", "debit", "payment"];
    public static readonly string[] Ssn = ["ssn", "social security", "social sec"];
    public static readonly string[] Itin = ["itin", "taxpayer", "tax id"];
    public static readonly string[] Aba = ["routing", "aba", "rtn", "transit"];
    public static readonly string[] Nhs = ["nhs", "health service", "patient", "health number"];
    public static readonly string[] BankAccount = ["account", "acct", "a/c", "bank"];
    public static readonly string[] Passport = ["passport"];
    public static readonly string[] DriverLicense = ["driver", "driving", "licence", "license", "dl#", "dl no", "dl number"];
    public static readonly string[] Birth = ["born", "birth", "dob", "d.o.b", "birthday", "bday"];
    public static readonly string[] Secret = ["key", "secret", "token", "password", "passwd", "pwd", "credential", "bearer", "auth", "apikey"];
    public static readonly string[] Ip = ["ip", "address", "server", "host"];
    public static readonly string[] Version = ["version", "ver.", "release", "v."];
    public static readonly string[] Wallet = ["wallet", "eth", "ethereum", "btc", "bitcoin", "address", "crypto"];

    /// <summary>Whether any word appears within a few dozen characters before or after <c>[start, end)</c>.</summary>
    public static bool Near(ReadOnlySpan<char> text, int start, int end, string[] words)
    {
        var before = text[Math.Max(0, start - Before)..start];
        var after = text[end..Math.Min(text.Length, end + After)];
        foreach (var word in words)
        {
            if (before.Contains(word, StringComparison.OrdinalIgnoreCase) || after.Contains(word, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether any word appears just before <paramref name="start"/>.</summary>
    public static bool Preceded(ReadOnlySpan<char> text, int start, string[] words, int distance = 12)
    {
        var before = text[Math.Max(0, start - distance)..start];
        foreach (var word in words)
        {
            if (before.Contains(word, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
