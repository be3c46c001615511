namespace LlmFallback;

/// <summary>
/// Numbers: payment cards, phones, SSN, ITIN, ABA routing, NHS, bank accounts, passports, driver's licences and dates
/// of birth. Every prefix of the digit groups is scored; the best interpretation at or above the threshold wins.
/// </summary>
internal static class NumberRecognizers
{
    public static int Recognize(ref ScanState state, int start, int end)
    {
        var text = state.Text;
        if (char.IsAsciiLetter(text[start]))
        {
            LetterPrefixedId(ref state, start, end);
            return end;
        }

        // The tail of a longer digit run ("… 0044 0532 0130 01") is not a number of its own.
        if (start >= 2 && text[start - 1] is ' ' or '-' or '.' && char.IsAsciiDigit(text[start - 2]))
        {
            return end;
        }

        var group = new NumberGroup
        {
            SegStart = stackalloc int[NumberGroup.MaxSegments],
            SegEnd = stackalloc int[NumberGroup.MaxSegments],
            Separators = stackalloc int[NumberGroup.MaxSegments],
        };
        if (!NumberGroup.TryRead(text, start, end, ref group))
        {
            return end;
        }

        if (group.Count == 1 && group.Length(0) is <= 2 or 4 && Dates.Textual(text, group.SegStart[0], group.SegEnd[0]) is var (dateStart, dateEnd) && dateEnd > 0)
        {
            var birth = Context.Near(text, dateStart, dateEnd, Context.Birth);
            if (state.Report(PiiKind.DateOfBirth, dateStart, dateEnd, birth ? 0.85 : 0.15))
            {
                return Math.Max(dateEnd, end);
            }
        }

        Span<char> digits = stackalloc char[48];
        var best = (Kind: PiiKind.Phone, Score: 0.0, K: 0);
        for (var k = group.Count; k >= 1; k--)
        {
            var n = group.Digits(text, k, digits);
            if (n > digits.Length)
            {
                continue;
            }

            var (kind, score) = Score(text, ref group, k, digits[..n], state.Enabled);
            if (score > best.Score)
            {
                best = (kind, score, k);
            }
        }

        if (best.K > 0 && state.Report(best.Kind, group.Start, group.SegEnd[best.K - 1], best.Score))
        {
            return Math.Max(group.SegEnd[best.K - 1], end);
        }

        return end;
    }

    private static (PiiKind Kind, double Score) Score(ReadOnlySpan<char> text, ref NumberGroup g, int k, ReadOnlySpan<char> d, int enabled)
    {
        var start = g.Start;
        var end = g.SegEnd[k - 1];
        var sep = g.Uniform(k);
        var n = d.Length;
        var best = (Kind: PiiKind.Phone, Score: 0.0);

        void Consider(PiiKind kind, double score)
        {
            if ((enabled & (1 << (int)kind)) != 0 && score > best.Score)
            {
                best = (kind, score);
            }
        }

        if (n is >= 13 and <= 19 && (k == 1 || sep is NumberGroup.Space or NumberGroup.Dash) && Checksums.Luhn(d))
        {
            Consider(PiiKind.CreditCard, PaymentCards.IsKnownIssuer(d) ? (Context.Near(text, start, end, Context.Card) ? 0.95 : 0.9) : 0.4);
        }

        var phone = PhoneScore(ref g, k, d, sep);
        if (phone > 0)
        {
            Consider(PiiKind.Phone, Context.Near(text, start, end, Context.Phone) ? phone + 0.3 : phone);
        }

        if (n == 9)
        {
            var dashed = k == 3 && g.Length(0) == 3 && g.Length(1) == 2 && sep is NumberGroup.Dash or NumberGroup.Space;
            var shape = dashed ? (sep == NumberGroup.Dash ? 0.75 : 0.6) : k == 1 ? 0.3 : 0.0;
            if (shape > 0 && d[0] == '9' && IsItinGroup(d))
            {
                Consider(PiiKind.UsItin, Context.Near(text, start, end, Context.Itin) ? shape + 0.3 : shape - 0.05);
            }
            else if (shape > 0 && IsValidSsn(d))
            {
                Consider(PiiKind.UsSsn, Context.Near(text, start, end, Context.Ssn) ? shape + 0.3 : shape);
            }

            if (k == 1 && Checksums.AbaRouting(d) && IsAbaPrefix(d))
            {
                Consider(PiiKind.AbaRouting, Context.Near(text, start, end, Context.Aba) ? 0.9 : 0.35);
            }

            if (k == 1)
            {
                Consider(PiiKind.UsPassport, Context.Near(text, start, end, Context.Passport) ? 0.85 : 0.1);
            }
        }

        if (n == 10 && (k == 1 || (k == 3 && g.Length(0) == 3 && g.Length(1) == 3 && sep is NumberGroup.Space or NumberGroup.Dash)) && Checksums.NhsNumber(d))
        {
            Consider(PiiKind.UkNhs, Context.Near(text, start, end, Context.Nhs) ? 0.95 : 0.4);
        }

        if (n is >= 8 and <= 17 && (k == 1 || sep == NumberGroup.Dash) && Context.Near(text, start, end, Context.BankAccount))
        {
            Consider(PiiKind.UsBankAccount, 0.75);
        }

        if (n is >= 7 and <= 13 && k == 1 && Context.Near(text, start, end, Context.DriverLicense))
        {
            Consider(PiiKind.UsDriverLicense, 0.8);
        }

        if (k == 3 && sep is NumberGroup.Slash or NumberGroup.Dash or NumberGroup.Dot && Dates.IsNumericDate(text, ref g))
        {
            Consider(PiiKind.DateOfBirth, Context.Near(text, start, end, Context.Birth) ? 0.85 : 0.15);
        }

        return best;
    }

    /// <summary>E.164 with <c>+</c>, North American (area and exchange codes 2–9), and trunk-prefixed national numbers.</summary>
    private static double PhoneScore(ref NumberGroup g, int k, ReadOnlySpan<char> d, int sep)
    {
        var n = d.Length;
        if (g.Plus)
        {
            return n is >= 8 and <= 15 && d[0] != '0' && (k > 1 || n >= 10) ? 0.75 : 0;
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
