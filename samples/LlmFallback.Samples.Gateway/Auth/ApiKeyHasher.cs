using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace LlmFallback.Samples.Gateway.Auth;

/// <summary>
/// Makes and checks API keys. A key is <c>lfk_&lt;id&gt;_&lt;secret&gt;</c> with 256 random bits of secret; only
/// <c>v1.&lt;salt&gt;.&lt;digest&gt;</c> is stored, the digest being HMAC-SHA256 of the whole key under a random
/// 128-bit per-key salt. The id in the key finds its record in O(1); comparison is constant-time.
/// </summary>
/// <remarks>
/// A fast hash is enough here: the secret is random and 256 bits long, so there is nothing for a slow password hash
/// (PBKDF2, Argon2) to protect against, and checking stays cheap on every request.
/// </remarks>
internal static class ApiKeyHasher
{
    public const string Prefix = "lfk_";
    public const int DigestBytes = 32;
    public const int SaltBytes = 16;

    /// <summary>A new key for <paramref name="id"/>; shown once, never stored.</summary>
    public static string NewKey(string id) => Prefix + id + "_" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>The stored form of <paramref name="key"/>, under a fresh salt.</summary>
    public static string Hash(string key)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        Span<byte> digest = stackalloc byte[DigestBytes];
        Digest(salt, key, digest);
        return "v1." + Base64Url.EncodeToString(salt) + "." + Base64Url.EncodeToString(digest);
    }

    /// <summary>Reads the id out of a presented key, or fails for anything not shaped like one.</summary>
    public static bool TryGetId(string key, out ReadOnlySpan<char> id)
    {
        id = default;
        if (!key.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = key.AsSpan(Prefix.Length);
        var end = rest.IndexOf('_');
        if (end <= 0 || end == rest.Length - 1)
        {
            return false;
        }

        id = rest[..end];
        return true;
    }

    public static bool IsValidId(string id)
    {
        if (id.Length is 0 or > 64)
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>HMAC-SHA256 of the key's UTF-8 bytes under <paramref name="salt"/>, without allocating for keys up to 256 bytes.</summary>
    public static void Digest(ReadOnlySpan<byte> salt, string key, Span<byte> digest)
    {
        var length = Encoding.UTF8.GetByteCount(key);
        var rented = length <= 256 ? null : new byte[length];
        Span<byte> bytes = rented ?? stackalloc byte[256];
        bytes = bytes[..Encoding.UTF8.GetBytes(key, bytes)];
        HMACSHA256.HashData(salt, bytes, digest);
        CryptographicOperations.ZeroMemory(bytes);
    }
}
