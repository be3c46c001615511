namespace LlmFallback;

/// <summary>
/// The checks beyond cosine similarity. Embeddings place "orders over $50" next to "orders under $50" and "New York to
/// Florida" next to "Florida to New York"; these checks compare what the words say. Each returns the name of the
/// failing guard, or <see langword="null"/> when the candidate may be served.
/// </summary>
internal static class SemanticGuards
{
    public static string? Check(PromptSignature query, PromptSignature stored, LlmSemanticCacheOptions options)
    {
        var guards = options.Guards;
        if (options.MaxLengthRatio > 0 && Ratio(query.Length, stored.Length) > options.MaxLengthRatio)
        {
            return "length";
        }

        var a = query.Tokens;
        var b = stored.Tokens;
        if ((guards & LlmSemanticGuards.Numbers) != 0 && !SameSequence(a, b, TokenKind.Number))
        {
            return "numbers";
        }

        if ((guards & LlmSemanticGuards.Negation) != 0 && Count(a, TokenKind.Negation) != Count(b, TokenKind.Negation))
        {
            return "negation";
        }

        if ((guards & LlmSemanticGuards.Comparatives) != 0)
        {
            if (!SameMultiset(a, b, TokenKind.Comparative))
            {
                return "comparatives";
            }

            if (!SameRoles(a, b))
            {
                return "direction";
            }
        }

        if ((guards & LlmSemanticGuards.Entities) != 0 && !SameEntities(a, b))
        {
            return "entities";
        }

        return (guards & LlmSemanticGuards.LexicalOverlap) != 0 ? LexicalOverlap.Check(a, b, options.MinLexicalOverlap) : null;
    }

    private static double Ratio(int x, int y) => (double)Math.Max(x, y) / Math.Max(1, Math.Min(x, y));

    private static int Count(PromptToken[] tokens, TokenKind kind)
    {
        var n = 0;
        foreach (var t in tokens)
        {
            n += (t.Kind & kind) != 0 ? 1 : 0;
        }

        return n;
    }

    private static bool SameSequence(PromptToken[] a, PromptToken[] b, TokenKind kind)
    {
        int i = 0, j = 0;
        while (true)
        {
            while (i < a.Length && (a[i].Kind & kind) == 0)
            {
                i++;
            }

            while (j < b.Length && (b[j].Kind & kind) == 0)
            {
                j++;
            }

            if (i == a.Length || j == b.Length)
            {
                return i == a.Length && j == b.Length;
            }

            if (a[i++].Word != b[j++].Word)
            {
                return false;
            }
        }
    }

    private static bool SameMultiset(PromptToken[] a, PromptToken[] b, TokenKind kind)
    {
        if (Count(a, kind) != Count(b, kind))
        {
            return false;
        }

        foreach (var t in a)
        {
            if ((t.Kind & kind) != 0 && CountWord(a, t.Word, kind) != CountWord(b, t.Word, kind))
            {
                return false;
            }
        }

        return true;
    }

    private static int CountWord(PromptToken[] tokens, uint word, TokenKind kind)
    {
        var n = 0;
        foreach (var t in tokens)
        {
            n += (t.Kind & kind) != 0 && t.Word == word ? 1 : 0;
        }

        return n;
    }

    /// <summary>A word both prompts share may not play a role in one that the other gives to another word ("from X to Y").</summary>
    private static bool SameRoles(PromptToken[] a, PromptToken[] b)
    {
        foreach (var x in a)
        {
            foreach (var y in b)
            {
                if (x.Word == y.Word && x.Role != y.Role && ((x.Role != 0 && HasRole(b, x.Role)) || (y.Role != 0 && HasRole(a, y.Role))))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static bool HasRole(PromptToken[] tokens, byte role)
    {
        foreach (var t in tokens)
        {
            if (t.Role == role)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Words named in either prompt (capitalised, acronyms, dates) appear in both, in the same order.</summary>
    private static bool SameEntities(PromptToken[] a, PromptToken[] b)
    {
        var named = new HashSet<uint>();
        foreach (var t in a)
        {
            if ((t.Kind & TokenKind.Entity) != 0)
            {
                named.Add(t.Word);
            }
        }

        foreach (var t in b)
        {
            if ((t.Kind & TokenKind.Entity) != 0)
            {
                named.Add(t.Word);
            }
        }

        if (named.Count == 0)
        {
            return true;
        }

        int i = 0, j = 0;
        while (true)
        {
            while (i < a.Length && !named.Contains(a[i].Word))
            {
                i++;
            }

            while (j < b.Length && !named.Contains(b[j].Word))
            {
                j++;
            }

            if (i == a.Length || j == b.Length)
            {
                return i == a.Length && j == b.Length;
            }

            if (a[i++].Word != b[j++].Word)
            {
                return false;
            }
        }
    }
}
