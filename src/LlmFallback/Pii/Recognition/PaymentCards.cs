namespace LlmFallback;

/// <summary>Issuer identification number ranges of the card networks, with the lengths each issues.</summary>
internal static class PaymentCards
{
    public static bool IsKnownIssuer(ReadOnlySpan<char> d)
    {
        var n = d.Length;
        var p2 = Prefix(d, 2);
        var p3 = Prefix(d, 3);
        var p4 = Prefix(d, 4);
        var p6 = Prefix(d, 6);
        return d[0] switch
        {
            '4' => n is 13 or 16 or 19,                                                     // Visa
            '5' => (p2 is >= 51 and <= 55 && n == 16)                                       // Mastercard
                || (p2 is 50 or (>= 56 and <= 58) && n >= 12),                              // Maestro
            '2' => p4 is >= 2221 and <= 2720 && n == 16,                                    // Mastercard 2-series
            '3' => (p2 is 34 or 37 && n == 15)                                              // American Express
                || (p4 is >= 3528 and <= 3589 && n >= 16)                                   // JCB
                || ((p3 is >= 300 and <= 305 || p2 is 36 or 38 or 39) && n >= 14),          // Diners Club
            '6' => (p4 == 6011 || p3 is >= 644 and <= 649 || p2 == 65 || p6 is >= 622126 and <= 622925) && n >= 16 // Discover
                || (p2 == 62 && n >= 16)                                                    // UnionPay
                || (p4 is 6304 or 6759 or 6761 or 6762 or 6763 && n >= 12),                 // Maestro
            _ => false,
        };
    }

    private static int Prefix(ReadOnlySpan<char> d, int length)
    {
        var value = 0;
        for (var i = 0; i < length && i < d.Length; i++)
        {
            value = (value * 10) + (d[i] - '0');
        }

        return value;
    }
}
