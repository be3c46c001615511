namespace LlmFallback.Testing.Internal;

/// <summary>Splits an answer into streaming tokens.</summary>
internal static class Tokens
{
    /// <summary>One token per word, each carrying the whitespace before it, so the tokens concatenate back to the text.</summary>
    public static string[] Split(string text)
    {
        var tokens = new List<string>();
        var start = 0;
        for (var i = 1; i < text.Length; i++)
        {
            if (char.IsWhiteSpace(text[i]) && !char.IsWhiteSpace(text[i - 1]))
            {
                tokens.Add(text[start..i]);
                start = i;
            }
        }

        if (start < text.Length)
        {
            tokens.Add(text[start..]);
        }

        return [.. tokens];
    }
}
