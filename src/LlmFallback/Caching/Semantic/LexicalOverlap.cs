namespace LlmFallback;

/// <summary>
/// Compares the content words of two prompts: a word swapped for its opposite (enable/disable, import/export) or for
/// exactly one other word ("capital of France" / "capital of Spain") is a different question, and prompts that share
/// too few words are not paraphrases whatever their embeddings say.
/// </summary>
internal static class LexicalOverlap
{
    public static string? Check(PromptToken[] a, PromptToken[] b, double minOverlap)
    {
        var onlyA = Only(a, b);
        var onlyB = Only(b, a);
        foreach (var x in onlyA)
        {
            foreach (var y in onlyB)
            {
                if ((x.Root != 0 && (x.Root == y.Root || x.Root == y.Word)) || (y.Root != 0 && y.Root == x.Word))
                {
                    return "opposite";
                }
            }
        }

        if (onlyA.Count == 1 && onlyB.Count == 1)
        {
            return "substitution";
        }

        var union = Distinct(a) + onlyB.Count;
        var shared = union - onlyA.Count - onlyB.Count;
        return union > 0 && (double)shared / union < minOverlap ? "overlap" : null;
    }

    private static List<PromptToken> Only(PromptToken[] tokens, PromptToken[] other)
    {
        var only = new List<PromptToken>();
        foreach (var t in tokens)
        {
            if ((t.Kind & TokenKind.Content) != 0 && !Contains(other, t.Word) && !Contains(only, t.Word))
            {
                only.Add(t);
            }
        }

        return only;
    }

    private static int Distinct(PromptToken[] tokens)
    {
        var seen = new HashSet<uint>();
        foreach (var t in tokens)
        {
            if ((t.Kind & TokenKind.Content) != 0)
            {
                seen.Add(t.Word);
            }
        }

        return seen.Count;
    }

    private static bool Contains(PromptToken[] tokens, uint word)
    {
        foreach (var t in tokens)
        {
            if ((t.Kind & TokenKind.Content) != 0 && t.Word == word)
            {
                return true;
            }
        }

        return false;
    }

    private static bool Contains(List<PromptToken> tokens, uint word)
    {
        foreach (var t in tokens)
        {
            if (t.Word == word)
            {
                return true;
            }
        }

        return false;
    }
}
