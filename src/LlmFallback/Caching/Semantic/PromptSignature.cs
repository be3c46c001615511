using System.Buffers.Binary;

namespace LlmFallback;

/// <summary>
/// What the lexical guards need to know about a prompt, as hashes: stored next to its embedding (as an opaque base64
/// string in a vector store), so no prompt text is kept by the semantic index.
/// </summary>
internal sealed class PromptSignature
{
    private const byte FormatVersion = 1;
    private const int TokenBytes = 10;

    private PromptSignature(PromptToken[] tokens, int length)
    {
        Tokens = tokens;
        Length = length;
    }

    public PromptToken[] Tokens { get; }

    /// <summary>Gets the prompt's length in characters, for the length-ratio check.</summary>
    public int Length { get; }

    public static PromptSignature Parse(string prompt) => new([.. PromptTokenizer.Tokenize(prompt)], prompt.Length);

    public string Encode()
    {
        var bytes = new byte[7 + (Tokens.Length * TokenBytes)];
        bytes[0] = FormatVersion;
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(1), Length);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(5), (ushort)Tokens.Length);
        var span = bytes.AsSpan(7);
        foreach (var token in Tokens)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(span, token.Word);
            BinaryPrimitives.WriteUInt32LittleEndian(span[4..], token.Root);
            span[8] = (byte)token.Kind;
            span[9] = token.Role;
            span = span[TokenBytes..];
        }

        return Convert.ToBase64String(bytes);
    }

    /// <summary>Reads an encoded signature; <see langword="null"/> if it is malformed or of another format version.</summary>
    public static PromptSignature? Decode(string? encoded)
    {
        if (string.IsNullOrEmpty(encoded))
        {
            return null;
        }

        var bytes = new byte[(encoded.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64String(encoded, bytes, out var written) || written < 7 || bytes[0] != FormatVersion)
        {
            return null;
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(1));
        int count = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(5));
        if (written != 7 + (count * TokenBytes))
        {
            return null;
        }

        var tokens = new PromptToken[count];
        var span = bytes.AsSpan(7, count * TokenBytes);
        for (var i = 0; i < count; i++)
        {
            tokens[i] = new PromptToken(
                BinaryPrimitives.ReadUInt32LittleEndian(span),
                BinaryPrimitives.ReadUInt32LittleEndian(span[4..]),
                (TokenKind)span[8],
                span[9]);
            span = span[TokenBytes..];
        }

        return new PromptSignature(tokens, length);
    }
}
