using System.Buffers;
using System.Buffers.Text;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace LlmFallback;

/// <summary>
/// Collects the framed bytes a cache key is hashed from: every field is written as a tag, a length and its UTF-8
/// bytes, so no two different requests frame to the same bytes. One buffer is kept per thread; nothing is
/// allocated once it has grown to the largest request seen.
/// </summary>
internal sealed class KeyWriter
{
    [ThreadStatic]
    private static KeyWriter? t_current;

    private byte[] _buffer = new byte[1024];
    private int _length;

    /// <summary>Gets the calling thread's writer, emptied.</summary>
    public static KeyWriter Rent()
    {
        var writer = t_current ??= new KeyWriter();
        writer._length = 0;
        return writer;
    }

    public int Length => _length;

    public void Tag(byte tag) => Ensure(1)[0] = tag;

    public void Bool(byte tag, bool value)
    {
        var span = Ensure(2);
        span[0] = tag;
        span[1] = value ? (byte)1 : (byte)0;
    }

    public void Int(byte tag, long value)
    {
        var span = Ensure(9);
        span[0] = tag;
        BinaryPrimitives.WriteInt64LittleEndian(span[1..], value);
    }

    public void Double(byte tag, double value) => Int(tag, BitConverter.DoubleToInt64Bits(value));

    public void String(byte tag, string? value) => String(tag, value.AsSpan(), value is null);

    public void String(byte tag, ReadOnlySpan<char> value, bool isNull = false)
    {
        if (isNull)
        {
            Ensure(1)[0] = (byte)(tag | 0x80);
            return;
        }

        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        var span = Ensure(5 + max);
        span[0] = tag;
        var written = Encoding.UTF8.GetBytes(value, span[5..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[1..], written);
        _length -= max - written;
    }

    public void Bytes(byte tag, ReadOnlySpan<byte> value)
    {
        var span = Ensure(5 + value.Length);
        span[0] = tag;
        BinaryPrimitives.WriteInt32LittleEndian(span[1..], value.Length);
        value.CopyTo(span[5..]);
    }

    /// <summary>Writes the SHA-256 of <paramref name="data"/> as a field (large binary content is hashed, not copied).</summary>
    public void Digest(byte tag, ReadOnlySpan<byte> data)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(data, hash);
        Bytes(tag, hash);
    }

    /// <summary>Hashes everything written so far into <paramref name="destination"/> (32 bytes).</summary>
    public void Hash(Span<byte> destination) => SHA256.HashData(_buffer.AsSpan(0, _length), destination);

    /// <summary>Forgets everything after <paramref name="length"/>.</summary>
    public void Truncate(int length) => _length = length;

    private Span<byte> Ensure(int count)
    {
        if (_buffer.Length - _length < count)
        {
            var bigger = new byte[Math.Max(_buffer.Length * 2, _length + count)];
            _buffer.AsSpan(0, _length).CopyTo(bigger);
            _buffer = bigger;
        }

        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }

    /// <summary>Encodes a 32-byte hash as unpadded base64url (43 characters).</summary>
    public static string Encode(ReadOnlySpan<byte> hash)
    {
        Span<byte> base64 = stackalloc byte[44];
        Base64.EncodeToUtf8(hash, base64, out _, out var written);
        Span<char> chars = stackalloc char[43];
        for (var i = 0; i < 43; i++)
        {
            chars[i] = base64[i] switch
            {
                (byte)'+' => '-',
                (byte)'/' => '_',
                var b => (char)b,
            };
        }

        return new string(chars[..Math.Min(written, 43)]);
    }
}
