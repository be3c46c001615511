using Microsoft.Extensions.AI;

namespace LlmFallback;

/// <summary>
/// What a request's hedging race leaves behind, allocated only when a request is raced (hedging on and a provider
/// left to hedge to), so a request that is never raced carries one null field. The race writes its outcome here
/// rather than returning it, which keeps the request loops' state machines as small as they are without hedging.
/// </summary>
internal sealed class HedgeState
{
    /// <summary>Gets or sets a value indicating whether the request sent its one hedge.</summary>
    public bool Sent { get; set; }

    /// <summary>Gets or sets the usage a cancelled call reported before it was cancelled, if any.</summary>
    public UsageDetails? LoserUsage { get; set; }

    /// <summary>Gets or sets the call left to judge (streams: with what it read), after a race.</summary>
    public HedgeLeg? Leg { get; set; }

    /// <summary>Gets or sets the non-streaming answer of the call left to judge.</summary>
    public ChatResponse? Response { get; set; }

    /// <summary>Gets or sets the error of the call left to judge.</summary>
    public Exception? Error { get; set; }

    /// <summary>Gets or sets a value indicating whether the call left to judge hit its deadline (non-streaming).</summary>
    public bool TimedOut { get; set; }

    /// <summary>Gets or sets a value indicating whether the stream left to judge ended before its first token.</summary>
    public bool Ended { get; set; }

    /// <summary>Gets or sets a failure already decided and settled as surfaced during the race.</summary>
    public LlmFailure? Surfaced { get; set; }

    /// <summary>Gets or sets the updates the race read ahead from the winning stream, handed on before it is read further.</summary>
    public List<ChatResponseUpdate>? Replay { get; set; }

    /// <summary>Clears the outcome of the last race (what was sent and reported stays).</summary>
    public void Reset()
    {
        Leg = null;
        Response = null;
        Error = null;
        TimedOut = false;
        Ended = false;
        Surfaced = null;
        Replay = null;
    }
}
