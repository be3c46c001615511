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
            Ipv6(ref state, start, end);
            return end;
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

        return NumberRecognizers.Recognize(ref state, start, end);
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
