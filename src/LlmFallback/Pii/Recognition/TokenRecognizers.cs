using System.Net;

namespace LlmFallback;

/// <summary>Classifies one token: email, URL, secret, wallet, IP address, IBAN, or a number handed to <see cref="NumberRecognizers"/>.</summary>
internal static partial class TokenRecognizers
{
    /// <summary>Reports what the token at <c>[start, end)</c> is, if anything; returns where the scan goes on.</summary>
    public static int Recognize(ref ScanState state, int start, int end)
    {
        var text = state.Text;
        var token = text[start..end];
        var at = token.IndexOf('@');
        if (at >= 0)
        {
            Email(ref state, start + at);
            return end;
        }

        if (Url(ref state, start, end))
        {
            return end;
        }

        // "ip=10.0.0.1", "card=4111…": the value after the assignment.
        var assignment = token.LastIndexOf('=');
        if (assignment >= 0 && assignment < token.Length - 1)
        {
            start += assignment + 1;
            token = text[start..end];
        }

        if (token.Length >= 16 && (Secrets.Recognize(ref state, start, end) || Crypto(ref state, start, end)))
        {
            return end;
        }

        if (token.Contains(':'))
        {
            // "card:4111 1111 1111 1111", "tel:+1-415-555-2671", "IBAN:DE89…": the value after a label glued to it.
            return Ipv6(ref state, start, end) || LabelEnd(token) == 0 ? end : Recognize(ref state, start + LabelEnd(token), end);
        }

        if (Ipv4(ref state, start, end))
        {
            return end;
        }

        if (token.Length >= 4 && char.IsAsciiLetterUpper(token[0]) && char.IsAsciiLetterUpper(token[1]) && char.IsAsciiDigit(token[2]) && char.IsAsciiDigit(token[3])
            && IbanRecognizer.Recognize(ref state, start, end) is var ibanEnd and > 0)
        {
            return ibanEnd;
        }

        if (token.Length >= 20 && Secrets.HighEntropy(ref state, start, end))
        {
            return end;
        }

        // "No.4111…", "Tel.+44…", "card#5555…": the same after a label glued by a dot or '#'.
        return LabelEnd(token) is var label and > 0 ? Recognize(ref state, start + label, end) : NumberRecognizers.Recognize(ref state, start, end);
    }

    /// <summary>
    /// Where a value starts after a word glued to it by ':', '.' or '#' (<c>card:</c>, <c>card_number:</c>, <c>Tel.</c>,
    /// <c>no.</c>) when a digit, '+' or a capital follows; 0 when the token does not start with one.
    /// </summary>
    private static int LabelEnd(ReadOnlySpan<char> token)
    {
        var i = 0;
        while (i < token.Length && (char.IsAsciiLetter(token[i]) || (i > 0 && token[i] is '_' or '-')))
        {
            i++;
        }

        return i > 0 && i + 1 < token.Length && token[i] is ':' or '.' or '#' && (char.IsAsciiDigit(token[i + 1]) || token[i + 1] == '+' || char.IsAsciiLetterUpper(token[i + 1])) ? i + 1 : 0;
    }

    private static bool Crypto(ref ScanState state, int start, int end)
    {
        var text = state.Text;
        var token = text[start..end];
        if (token.Length == 42 && token[0] == '0' && token[1] is 'x' or 'X' && IsHex(token[2..]))
        {
            return state.Report(PiiKind.CryptoWallet, start, end, Context.Near(text, start, end, Context.Wallet) ? 0.95 : 0.8);
        }

        if (token.Length is >= 14 and <= 74 && (token.StartsWith("bc1", StringComparison.OrdinalIgnoreCase) || token.StartsWith("tb1", StringComparison.OrdinalIgnoreCase)))
        {
            return Checksums.Bech32(token) && state.Report(PiiKind.CryptoWallet, start, end, 0.95);
        }

        if (token.Length is >= 26 and <= 35 && token[0] is '1' or '3' or 'm' or 'n' or '2')
        {
            return Checksums.Base58Check(token) && state.Report(PiiKind.CryptoWallet, start, end, 0.95);
        }

        return false;
    }

    internal static bool IsHex(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
