using System.Text;
using Microsoft.Extensions.AI;

namespace LlmFallback;

/// <summary>A streaming request: what the caller has received so far (across attempts) and the state of the attempt in progress.</summary>
internal sealed class StreamRequest(FallbackPlan plan) : FallbackRequest(plan)
{
    /// <summary>Gets or sets how many characters of text the caller has received.</summary>
    public int CommittedChars { get; set; }

    /// <summary>Gets or sets a value indicating whether what the caller received is plain text another provider could continue.</summary>
    public bool Rescuable { get; set; } = true;

    public bool Rescued { get; set; }

    /// <summary>Gets the text the caller received, kept only when some provider could continue it.</summary>
    public StringBuilder? CommittedText { get; private set; }

    public List<ChatResponseUpdate>? Held { get; set; }

    public ChatResponseUpdate? Last { get; set; }

    public ChatResponseUpdate? FirstYielded { get; set; }

    /// <summary>Gets a value indicating whether output the caller holds cannot be taken back.</summary>
    public bool OutputCommitted => CommittedChars > 0 || !Rescuable;

    // The attempt in progress.
    public bool Committed { get; set; }

    public bool First { get; set; }

    public bool Producing { get; set; }

    public bool Finished { get; set; }

    public ChatFinishReason? FinishReason { get; set; }

    public bool Ended { get; set; }

    public int HeldChars { get; set; }

    public long FirstUpdateAt { get; set; }

    public TimeSpan FirstTokenLeft { get; set; }

    public bool TimedOut { get; set; }

    /// <summary>Takes the next update a hedging race read ahead, if any.</summary>
    public ChatResponseUpdate? TakeReplay()
    {
        if (Hedge?.Replay is not { Count: > 0 } replay)
        {
            return null;
        }

        var update = replay[0];
        replay.RemoveAt(0);
        return update;
    }

    public AttemptDeadline Deadline { get; set; }

    public void StartAttempt(bool commitImmediately, TimeSpan firstTokenTimeout)
    {
        // Output already with the caller cannot be taken back: a continuation streams straight through.
        Committed = commitImmediately || OutputCommitted;
        First = true;
        Producing = false;
        Finished = false;
        FinishReason = null;
        Ended = false;
        HeldChars = 0;
        FirstUpdateAt = 0;
        FirstTokenLeft = firstTokenTimeout;
        TimedOut = false;
        Hedge?.Reset();
    }

    /// <summary>Counts what the caller received, and keeps the text when it may be needed to continue the answer elsewhere.</summary>
    public void Track(ChatResponseUpdate update, bool keepText)
    {
        FirstYielded ??= update;
        var contents = update.Contents;
        for (var i = 0; i < contents.Count; i++)
        {
            switch (contents[i])
            {
                case TextContent t when t.Text is { Length: > 0 } s:
                    CommittedChars += s.Length;
                    if (keepText)
                    {
                        (CommittedText ??= new StringBuilder(s.Length < 64 ? 64 : s.Length)).Append(s);
                    }

                    break;
                case TextContent:
                case UsageContent:
                    break;
                default:
                    // Tool calls, reasoning and media cannot be continued as a prefill.
                    Rescuable = false;
                    break;
            }
        }
    }
}
