namespace LlmFallback;

/// <summary>
/// Numbers: payment cards, phones, SSN, ITIN, ABA routing, NHS, bank accounts, passports, driver's licences and dates
/// of birth. Every prefix of the digit groups is scored; the best interpretation at or above the threshold wins.
/// </summary>
internal static partial class NumberRecognizers
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
}
