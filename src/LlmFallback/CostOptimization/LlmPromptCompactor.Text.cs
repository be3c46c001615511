using System.Text;

namespace LlmFallback;

/// <summary>The text rules: what whitespace may go, and where code starts and ends.</summary>
internal static partial class LlmPromptCompactor
{
    /// <summary>Collapses runs of spaces and tabs inside lines, trailing whitespace, and runs of blank lines, outside code.</summary>
    public static string CompactText(string text)
    {
        var sb = new StringBuilder(text.Length);
        var fence = string.Empty;
        var blanks = 0;
        var wroteLine = false;
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            var trimmed = line.TrimStart();
            if (fence.Length > 0 || IsFence(trimmed))
            {
                fence = NextFence(fence, trimmed);
                Append(sb, line, ref wroteLine);
                blanks = 0;
                continue;
            }

            if (trimmed.Length == 0)
            {
                blanks++;
                continue;
            }

            if (blanks > 0 && wroteLine)
            {
                sb.Append('\n');
            }

            blanks = 0;
            Append(sb, line.StartsWith("    ", StringComparison.Ordinal) || line.StartsWith('\t') ? line : CollapseInline(line), ref wroteLine);
        }

        var compacted = sb.ToString();
        return compacted.Length == text.Length && string.Equals(compacted, text, StringComparison.Ordinal) ? text : compacted;
    }

    private static void Append(StringBuilder sb, string line, ref bool wroteLine)
    {
        if (wroteLine)
        {
            sb.Append('\n');
        }

        sb.Append(line);
        wroteLine = true;
    }

    private static bool IsFence(string trimmed) => trimmed.StartsWith("```", StringComparison.Ordinal) || trimmed.StartsWith("~~~", StringComparison.Ordinal);

    /// <summary>The fence open after this line: a fence opens with three or more backticks or tildes and closes with at least as many of the same.</summary>
    private static string NextFence(string open, string trimmed)
    {
        var marker = trimmed.Length > 0 ? trimmed[0] : ' ';
        var run = 0;
        while (run < trimmed.Length && trimmed[run] == marker)
        {
            run++;
        }

        if (open.Length == 0)
        {
            return trimmed[..run];
        }

        return marker == open[0] && run >= open.Length && trimmed.AsSpan(run).Trim().IsEmpty ? string.Empty : open;
    }

    /// <summary>Keeps the indentation, collapses inner runs of spaces and tabs to one space outside inline code, and drops trailing whitespace.</summary>
    private static string CollapseInline(string line)
    {
        var indent = line.Length - line.TrimStart().Length;
        var sb = new StringBuilder(line.Length);
        sb.Append(line, 0, indent);
        var i = indent;
        while (i < line.Length)
        {
            var c = line[i];
            if (c == '`')
            {
                var run = 1;
                while (i + run < line.Length && line[i + run] == '`')
                {
                    run++;
                }

                var close = line.IndexOf(new string('`', run), i + run, StringComparison.Ordinal);
                var end = close < 0 ? line.Length : close + run;
                sb.Append(line, i, end - i);
                i = end;
                continue;
            }

            if (c is ' ' or '\t')
            {
                var j = i;
                while (j < line.Length && line[j] is ' ' or '\t')
                {
                    j++;
                }

                if (j < line.Length)
                {
                    sb.Append(' ');
                }

                i = j;
                continue;
            }

            sb.Append(c);
            i++;
        }

        return sb.ToString();
    }
}
