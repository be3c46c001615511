using System.Diagnostics;
using Microsoft.Extensions.AI;

namespace LlmFallback;

/// <summary>
/// One of the two calls of a hedged attempt. The call the request tracks (its permit, activity, start and plan index)
/// lives in the request; the other one is parked here. <see cref="Park"/> and <see cref="Resume"/> move that state, so
/// every routine that settles "the request's attempt" settles either call, exactly once.
/// </summary>
internal sealed class HedgeLeg
{
    public ProviderPermit Permit;

    public required LlmProvider Provider { get; set; }

    public AttemptTimer? Timer { get; set; }

    public Activity? Activity { get; set; }

    public long Start { get; set; }

    public int Index { get; set; }

    /// <summary>Gets or sets the first-token limit the call runs under (streams).</summary>
    public TimeSpan FirstTokenLimit { get; set; }

    /// <summary>Gets or sets the non-streaming call.</summary>
    public Task<ChatResponse>? Response { get; set; }

    /// <summary>Gets or sets the stream, and its pending read.</summary>
    public IAsyncEnumerator<ChatResponseUpdate>? Stream { get; set; }

    public Task<bool>? Move { get; set; }

    public LlmAttemptContext? Context { get; set; }

    /// <summary>Gets or sets the updates read before the first output (a role, filter results), in order.</summary>
    public List<ChatResponseUpdate>? Buffer { get; set; }

    /// <summary>Takes the attempt state the request tracks (it was this leg's call) and leaves the request without it.</summary>
    public void Park(FallbackRequest request)
    {
        Permit = request.Permit;
        request.Permit = default;
        Activity = request.AttemptActivity;
        request.AttemptActivity = null;
        Start = request.AttemptStart;
        Index = request.ProviderIndex;
    }

    /// <summary>Makes this leg's call the one the request tracks.</summary>
    public void Resume(FallbackRequest request)
    {
        request.Permit = Permit;
        Permit = default;
        request.AttemptActivity = Activity;
        Activity = null;
        request.AttemptStart = Start;
        request.ProviderIndex = Index;
    }
}
