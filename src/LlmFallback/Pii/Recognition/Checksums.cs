using System.Security.Cryptography;

namespace LlmFallback;

/// <summary>The check-digit algorithms the recognizers validate with. Inputs are ASCII digits or letters only.</summary>
internal static class Checksums
{
    private const string Base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    private const string Bech32Alphabet = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

    /// <summary>Luhn (mod 10), for payment cards.</summary>
    public static bool Luhn(ReadOnlySpan<char> digits)
    {
        var sum = 0;
        var doubleIt = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = digits[i] - '0';
            if (doubleIt)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
            doubleIt = !doubleIt;
        }

        return sum % 10 == 0;
    }

    /// <summary>ISO 7064 mod 97-10 over an IBAN's letters and digits (country and check digits moved to the end).</summary>
    public static bool Iban(ReadOnlySpan<char> iban)
    {
        var remainder = 0;
        for (var n = 0; n < iban.Length; n++)
        {
            var c = iban[(n + 4) % iban.Length];
            if (char.IsAsciiDigit(c))
            {
                remainder = ((remainder * 10) + (c - '0')) % 97;
            }
            else if (char.IsAsciiLetterUpper(c))
            {
                remainder = ((remainder * 100) + (c - 'A' + 10)) % 97;
            }
            else
            {
                return false;
            }
        }

        return remainder == 1;
    }

    /// <summary>ABA routing number: 3-7-1 weights, sum divisible by 10.</summary>
    public static bool AbaRouting(ReadOnlySpan<char> d) =>
        d.Length == 9 && ((3 * (D(d[0]) + D(d[3]) + D(d[6]))) + (7 * (D(d[1]) + D(d[4]) + D(d[7]))) + D(d[2]) + D(d[5]) + D(d[8])) % 10 == 0;

    /// <summary>NHS number: weights 10 to 2 on the first nine digits, 11 minus the mod-11 remainder is the tenth (10 is invalid).</summary>
    public static bool NhsNumber(ReadOnlySpan<char> d)
    {
        if (d.Length != 10)
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < 9; i++)
        {
            sum += D(d[i]) * (10 - i);
        }

        var check = 11 - (sum % 11);
        check = check == 11 ? 0 : check;
        return check != 10 && check == D(d[9]);
    }

    /// <summary>Bitcoin base58check: 25 bytes whose last 4 are the first 4 of SHA-256(SHA-256(first 21)).</summary>
    public static bool Base58Check(ReadOnlySpan<char> text)
    {
        Span<byte> bytes = stackalloc byte[25];
        bytes.Clear();
        foreach (var c in text)
        {
            var carry = Base58Alphabet.IndexOf(c, StringComparison.Ordinal);
            if (carry < 0)
            {
                return false;
            }

            for (var i = bytes.Length - 1; i >= 0; i--)
            {
                carry += 58 * bytes[i];
                bytes[i] = (byte)carry;
                carry >>= 8;
            }

            if (carry != 0)
            {
                return false;
            }
        }

        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(bytes[..21], hash);
        SHA256.HashData(hash, hash);
        return hash[..4].SequenceEqual(bytes[21..]);
    }

    /// <summary>Bech32 or bech32m (BIP-173/350) checksum of an address such as <c>bc1q…</c>; one case throughout.</summary>
    public static bool Bech32(ReadOnlySpan<char> text)
    {
        var separator = text.LastIndexOf('1');
        if (separator < 1 || separator + 7 > text.Length || text.Length > 90)
        {
            return false;
        }

        bool lower = false, upper = false;
        foreach (var c in text)
        {
            lower |= char.IsAsciiLetterLower(c);
            upper |= char.IsAsciiLetterUpper(c);
        }

        if (lower && upper)
        {
            return false;
        }

        uint chk = 1;
        var hrp = text[..separator];
        foreach (var c in hrp)
        {
            chk = Polymod(chk, (uint)(char.ToLowerInvariant(c) >> 5));
        }

        chk = Polymod(chk, 0);
        foreach (var c in hrp)
        {
            chk = Polymod(chk, (uint)(char.ToLowerInvariant(c) & 31));
        }

        foreach (var c in text[(separator + 1)..])
        {
            var value = Bech32Alphabet.IndexOf(char.ToLowerInvariant(c), StringComparison.Ordinal);
            if (value < 0)
            {
                return false;
            }

            chk = Polymod(chk, (uint)value);
        }

        return chk is 1 or 0x2bc830a3;
    }

    private static uint Polymod(uint chk, uint value)
    {
        var top = chk >> 25;
        chk = ((chk & 0x1ffffff) << 5) ^ value;
        if ((top & 1) != 0) { chk ^= 0x3b6a57b2; }
        if ((top & 2) != 0) { chk ^= 0x26508e6d; }
        if ((top & 4) != 0) { chk ^= 0x1ea119fa; }
        if ((top & 8) != 0) { chk ^= 0x3d4233dd; }
        if ((top & 16) != 0) { chk ^= 0x2a1462b3; }
        return chk;
    }

    private static int D(char c) => c - '0';
}
