using System.Buffers.Text;
using System.Security.Cryptography;

namespace LlmFallback.Samples.Gateway.Auth;

/// <summary>A configured key's salt and digest, parsed once at start.</summary>
internal sealed class StoredApiKey
{
    private readonly byte[] _salt;
    private readonly byte[] _digest;

    private StoredApiKey(byte[] salt, byte[] digest)
    {
        _salt = salt;
        _digest = digest;
    }

    /// <summary>Parses <c>v1.&lt;salt&gt;.&lt;digest&gt;</c>.</summary>
    public static bool TryParse(string? hash, out StoredApiKey? key)
    {
        key = null;
        var parts = hash?.Split('.');
        if (parts is not ["v1", var salt, var digest])
        {
            return false;
        }

        try
        {
            var saltBytes = Base64Url.DecodeFromChars(salt);
            var digestBytes = Base64Url.DecodeFromChars(digest);
            if (saltBytes.Length != ApiKeyHasher.SaltBytes || digestBytes.Length != ApiKeyHasher.DigestBytes)
            {
                return false;
            }

            key = new StoredApiKey(saltBytes, digestBytes);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>Whether <paramref name="presented"/> is this key; the digests are compared in constant time.</summary>
    public bool Matches(string presented)
    {
        Span<byte> digest = stackalloc byte[ApiKeyHasher.DigestBytes];
        ApiKeyHasher.Digest(_salt, presented, digest);
        return CryptographicOperations.FixedTimeEquals(digest, _digest);
    }
}
