namespace LlmFallback;

/// <content>The rules of single number types: phone shapes, issued SSN and ITIN ranges, routing prefixes, letter-prefixed ids.</content>
internal static partial class NumberRecognizers
{
    /// <summary>E.164 with <c>+</c>, North American (area and exchange codes 2–9), and trunk-prefixed national numbers.</summary>
    private static double PhoneScore(ref NumberGroup g, int k, ReadOnlySpan<char> d, int sep)
    {
        var n = d.Length;
        if (g.Plus)
        {
            return n is >= 8 and <= 15 && d[0] != '0' && (k > 1 || n >= 10) ? 0.75 : 0;
        }

        // "0044 20 7946 0958": the international call prefix 00 where E.164 writes '+', a country code glued to it.
        if (n is >= 10 and <= 17 && k > 1 && d[0] == '0' && d[1] == '0' && d[2] != '0' && g.Length(0) is >= 3 and <= 5 && sep != NumberGroup.Slash)
        {
            return 0.6;
        }

        var parenArea = k >= 2 && (g.Separators[0] & NumberGroup.Paren) != 0 && g.Length(0) == 3;
        if (n == 10 && IsNanp(d))
        {
            if (k == 3 && g.Length(0) == 3 && g.Length(1) == 3)
            {
                return parenArea ? 0.7 : sep is NumberGroup.Space or NumberGroup.Dash or NumberGroup.Dot ? 0.65 : 0.5;
            }

            return k == 1 ? 0.3 : 0;
        }

        if (n == 11 && d[0] == '1' && k == 4 && g.Length(0) == 1 && IsNanp(d[1..]) && g.Uniform(4) != NumberGroup.Slash)
        {
            return 0.7;
        }

        if (d[0] == '0' && n is 10 or 11 && d[1] != '0')
        {
            return k >= 2 && sep != NumberGroup.Slash && sep != NumberGroup.Dot ? 0.55 : k == 1 && n == 11 && d[1] == '7' ? 0.4 : 0;
        }

        return 0;
    }

    private static bool IsNanp(ReadOnlySpan<char> d) => d[0] >= '2' && d[3] >= '2' && !(d[1] == '1' && d[2] == '1');

    /// <summary>SSNs were never issued with area 000, 666 or 900–999, group 00 or serial 0000; two famous sample numbers are excluded too.</summary>
    private static bool IsValidSsn(ReadOnlySpan<char> d) =>
        !d[..3].SequenceEqual("000") && !d[..3].SequenceEqual("666") && d[0] != '9' && !d[3..5].SequenceEqual("00") && !d[5..].SequenceEqual("0000")
        && !d.SequenceEqual("078051120") && !d.SequenceEqual("219099999");

    /// <summary>ITIN middle groups: 50–65, 70–88, 90–92, 94–99.</summary>
    private static bool IsItinGroup(ReadOnlySpan<char> d)
    {
        var group = ((d[3] - '0') * 10) + (d[4] - '0');
        return group is (>= 50 and <= 65) or (>= 70 and <= 88) or (>= 90 and <= 92) or (>= 94 and <= 99);
    }

    /// <summary>Federal Reserve routing symbols 00–12, 21–32, thrift 61–72, and 80 (traveller's cheques).</summary>
    private static bool IsAbaPrefix(ReadOnlySpan<char> d)
    {
        var prefix = ((d[0] - '0') * 10) + (d[1] - '0');
        return prefix is <= 12 or (>= 21 and <= 32) or (>= 61 and <= 72) or 80;
    }

    /// <summary>Passports (<c>A12345678</c>) and driver's licences (<c>D1234567</c>), only next to their words.</summary>
    private static void LetterPrefixedId(ref ScanState state, int start, int end)
    {
        var text = state.Text;
        var token = text[start..end];
        var letters = 0;
        while (letters < token.Length && char.IsAsciiLetterUpper(token[letters]))
        {
            letters++;
        }

        var digits = 0;
        for (var i = letters; i < token.Length; i++)
        {
            if (char.IsAsciiDigit(token[i]))
            {
                digits++;
            }
            else if (token[i] != '-')
            {
                return;
            }
        }

        if (letters is < 1 or > 2 || digits < 4 || digits > 14)
        {
            return;
        }

        if (letters == 1 && digits == 8 && token.Length == 9 && Context.Near(text, start, end, Context.Passport))
        {
            state.Report(PiiKind.UsPassport, start, end, 0.85);
        }
        else if (Context.Near(text, start, end, Context.DriverLicense))
        {
            state.Report(PiiKind.UsDriverLicense, start, end, 0.8);
        }
    }
}
