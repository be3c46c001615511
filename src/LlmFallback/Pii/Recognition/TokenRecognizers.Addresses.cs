using System.Net;

namespace LlmFallback;

/// <content>Addresses: email, URL, IPv4 and IPv6.</content>
internal static partial class TokenRecognizers
{
    private static void Email(ref ScanState state, int at)
    {
        var text = state.Text;
        var localStart = at;
        while (localStart > 0 && IsLocalChar(text[localStart - 1]))
        {
            localStart--;
        }

        while (localStart < at && text[localStart] == '.')
        {
            localStart++;
        }

        var domainEnd = at + 1;
        while (domainEnd < text.Length && (char.IsAsciiLetterOrDigit(text[domainEnd]) || (text[domainEnd] is '-' or '.' && text[domainEnd - 1] is not ('.' or '@'))))
        {
            domainEnd++;
        }

        while (domainEnd > at + 1 && text[domainEnd - 1] is '.' or '-')
        {
            domainEnd--;
        }

        var lastDot = at + 1 + text[(at + 1)..domainEnd].LastIndexOf('.');
        if (localStart == at || text[at - 1] == '.' || lastDot <= at + 1 || domainEnd - lastDot - 1 < 2 || !IsLetters(text[(lastDot + 1)..domainEnd]))
        {
            return;
        }

        state.Report(PiiKind.Email, localStart, domainEnd, 0.9);
    }

    private static bool Url(ref ScanState state, int start, int end)
    {
        var text = state.Text;
        var token = text[start..end];
        var scheme = token.IndexOf("://", StringComparison.Ordinal);
        int urlStart;
        if (scheme > 0)
        {
            urlStart = start + scheme;
            while (urlStart > start && char.IsAsciiLetter(text[urlStart - 1]))
            {
                urlStart--;
            }

            var name = text[urlStart..(start + scheme)];
            if (!(name.Equals("http", StringComparison.OrdinalIgnoreCase) || name.Equals("https", StringComparison.OrdinalIgnoreCase)
                || name.Equals("ftp", StringComparison.OrdinalIgnoreCase) || name.Equals("ws", StringComparison.OrdinalIgnoreCase)
                || name.Equals("wss", StringComparison.OrdinalIgnoreCase)) || end - (start + scheme + 3) < 3)
            {
                return false;
            }
        }
        else if (token.StartsWith("www.", StringComparison.OrdinalIgnoreCase) && token.Length > 7 && token[4..].Contains('.'))
        {
            urlStart = start;
        }
        else
        {
            return false;
        }

        return state.Report(PiiKind.Url, urlStart, end, 0.6);
    }

    private static bool Ipv6(ref ScanState state, int start, int end)
    {
        var token = state.Text[start..end];
        var colons = token.Count(':');
        return colons >= 2 && colons <= 8 && token.Length <= 45 && IPAddress.TryParse(token, out var address) && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            && state.Report(PiiKind.IpAddress, start, end, 0.7);
    }

    private static bool Ipv4(ref ScanState state, int start, int end)
    {
        var text = state.Text;
        var token = text[start..end];
        Span<int> octets = stackalloc int[4];
        var count = 0;
        var digits = 0;
        var value = 0;
        foreach (var c in token)
        {
            if (char.IsAsciiDigit(c))
            {
                if (digits == 3 || (digits == 1 && value == 0))
                {
                    return false;
                }

                value = (value * 10) + (c - '0');
                digits++;
            }
            else if (c == '.' && digits > 0 && count < 3)
            {
                octets[count++] = value;
                value = digits = 0;
            }
            else
            {
                return false;
            }
        }

        if (count != 3 || digits == 0 || value > 255 || octets[0] > 255 || octets[1] > 255 || octets[2] > 255)
        {
            return false;
        }

        var versionLike = Context.Preceded(text, start, Context.Version) || (start > 0 && text[start - 1] is 'v' or 'V');
        var score = versionLike ? 0.2 : Context.Near(text, start, end, Context.Ip) ? 0.9 : 0.6;
        return state.Report(PiiKind.IpAddress, start, end, score) || true;
    }

    private static bool IsLocalChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '%' or '+' or '-';

    private static bool IsLetters(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiLetter(c))
            {
                return false;
            }
        }

        return true;
    }
}
