using System.Text;
using Microsoft.Extensions.AI;

namespace LlmFallback;

/// <content>The streamed answer's text as it passes: pseudonyms restored, new values handled.</content>
public sealed partial class PiiRedactionChatClient
{
    /// <summary>
    /// Holds back the end of the streamed text that cannot be judged yet: the start of a placeholder cut by a chunk edge
    /// (<c>&lt;EMA</c> | <c>IL_1&gt;</c>), and, when answers are checked, the last few dozen characters that may be the
    /// start of a value. Everything before is restored, rewritten and released in the same update.
    /// </summary>
    private sealed class OutputText(PiiRedactionChatClient owner, PiiRequestState? state)
    {
        // A value longer than this that arrives cut across updates may be released in parts (and so not recognised).
        private const int Guard = 64;

        private readonly StringBuilder _pending = new();

        // The end of the text already released (values restored): context words before a value decide whether it is
        // one (an account number after "bank account"), as they would in the whole answer.
        private string _released = string.Empty;

        public PiiRequestState? State => state;

        /// <summary>Replaces the update's text by what can be released now; other contents pass (tool-call arguments restored).</summary>
        public void Rewrite(ChatResponseUpdate update)
        {
            // A new list: an adapter may hand out contents that cannot be changed in place.
            var contents = update.Contents;
            var rewritten = new List<AIContent>(contents.Count + 1);
            StringBuilder? text = null;
            var textAt = -1;
            foreach (var content in contents)
            {
                if (content is TextContent t)
                {
                    textAt = textAt < 0 ? rewritten.Count : textAt;
                    (text ??= new StringBuilder()).Append(t.Text);
                }
                else
                {
                    rewritten.Add(owner.RewriteContent(content, LlmContentSide.Output, ref state));
                }
            }

            if (text is null && update.FinishReason is null)
            {
                update.Contents = rewritten;
                return;
            }

            if (text is not null)
            {
                _pending.Append(text);
            }

            var released = Release(final: update.FinishReason is not null);
            if (released.Length > 0)
            {
                rewritten.Insert(textAt < 0 ? rewritten.Count : textAt, new TextContent(released));
            }

            update.Contents = rewritten;
        }

        /// <summary>Releases whatever is still held, at the end of the stream.</summary>
        public string Flush() => Release(final: true);

        private string Release(bool final)
        {
            if (_pending.Length == 0)
            {
                return string.Empty;
            }

            var all = _pending.ToString();
            var cut = all.Length;
            if (!final)
            {
                var partial = PseudonymMap.PartialPlaceholderStart(all, state?.Map?.LongestPlaceholder ?? PseudonymMap.MaxPlaceholderLength);
                if (partial >= 0)
                {
                    cut = partial;
                }

                if (owner._options.ApplyToOutput)
                {
                    cut = SafeCut(all, cut);
                }
            }

            _pending.Clear();
            _pending.Append(all, cut, all.Length - cut);
            var released = cut == all.Length ? all : all[..cut];
            return owner._options.ApplyToOutput ? RewriteInContext(released, all.AsSpan(cut)) : owner.RewriteText(released, LlmContentSide.Output, ref state);
        }

        /// <summary>Restores and rewrites <paramref name="released"/>, detecting values with the text around it (already released before, held after).</summary>
        private string RewriteInContext(string released, ReadOnlySpan<char> held)
        {
            var restored = state?.Map is { } map ? map.Restore(released) : released;
            var after = held[..Math.Min(held.Length, Guard)].ToString();
            after = state?.Map is { } afterMap ? afterMap.Restore(after) : after;
            var window = string.Concat(_released, restored, after);
            var from = _released.Length;
            var rewritten = PiiRequestState.Rewrite(window, from, from + restored.Length, LlmContentSide.Output, owner._detector, owner._options, ref state);
            var seen = string.Concat(_released, restored);
            _released = seen.Length > Guard ? seen[^Guard..] : seen;
            return rewritten;
        }

        /// <summary>
        /// The last whitespace at least <see cref="Guard"/> characters from the end (or, in text that has none for
        /// another <see cref="Guard"/> characters, such as Chinese or Japanese, that point itself), moved before any
        /// value that crosses it.
        /// </summary>
        private int SafeCut(string text, int limit)
        {
            var latest = Math.Min(limit, text.Length - Guard);
            var cut = latest;
            while (cut > 0 && cut > latest - Guard && !char.IsWhiteSpace(text[cut - 1]))
            {
                cut--;
            }

            if (cut > 0 && !char.IsWhiteSpace(text[cut - 1]))
            {
                // No word break near the end: cut at the latest point anyway (the values that cross it are found with
                // the Guard characters after it), or text without spaces would be held to its end.
                cut = latest;
            }

            if (cut <= 0)
            {
                return 0;
            }

            // Detected with the released text before it, as the release itself will be.
            var before = _released.Length;
            foreach (var match in owner._detector.Detect(string.Concat(_released, text.AsSpan(0, Math.Min(text.Length, cut + Guard)))))
            {
                if (match.Start - before < cut && match.End - before > cut)
                {
                    cut = Math.Max(0, match.Start - before);
                }
            }

            return cut;
        }
    }
}
