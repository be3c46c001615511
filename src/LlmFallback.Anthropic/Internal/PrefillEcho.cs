using Microsoft.Extensions.AI;

namespace LlmFallback.Anthropic;

/// <summary>Removes from the start of an answer the whitespace that was trimmed from its prefill, as far as the answer repeats it.</summary>
internal sealed class PrefillEcho(string trimmed)
{
    private int _matched;
    private bool _done;

    /// <summary>Strips the echo from the text contents, in order; stops at the first character that differs or the first non-text content.</summary>
    public void Strip(IList<AIContent> contents)
    {
        for (var i = 0; i < contents.Count && !_done; i++)
        {
            switch (contents[i])
            {
                case TextContent { Text.Length: > 0 } text:
                    var value = text.Text;
                    var start = 0;
                    while (start < value.Length && _matched < trimmed.Length && value[start] == trimmed[_matched])
                    {
                        start++;
                        _matched++;
                    }

                    if (start > 0)
                    {
                        text.Text = value[start..];
                    }

                    _done = _matched == trimmed.Length || start < value.Length;
                    break;
                case TextContent:
                case UsageContent:
                    break;
                default:
                    _done = true;
                    break;
            }
        }
    }
}
