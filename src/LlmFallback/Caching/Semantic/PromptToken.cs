namespace LlmFallback;

/// <summary>What a word of a prompt is, for the guards.</summary>
[Flags]
internal enum TokenKind : byte
{
    None = 0,
    Content = 1,
    Entity = 2,
    Number = 4,
    Negation = 8,
    Comparative = 16,
}

/// <summary>
/// One word of a prompt as the guards see it: hashes only, so a stored signature holds no prompt text.
/// <paramref name="Word"/> hashes the lower-cased stem (or the normalised number); <paramref name="Root"/> hashes the
/// word without a reversing prefix (<c>un</c>lock, <c>dis</c>able) or its opposites group, 0 if none;
/// <paramref name="Role"/> is the role word before it (from, to, than...), 0 if none.
/// </summary>
internal readonly record struct PromptToken(uint Word, uint Root, TokenKind Kind, byte Role);
