using System.Diagnostics;

namespace LlmFallback;

/// <summary>Everything one request tracks once it leaves the fast path: its plan position, its attempts, and its permit.</summary>
internal class FallbackRequest(FallbackPlan plan)
{
    /// <summary>Plans longer than this can still be walked; only their first providers can be waited for.</summary>
    public const int MaxWaitCandidates = 64;

    private List<LlmAttempt>? _attempts;

    /// <summary>The permit of the call in progress (or about to start). A field: reported to by reference, exactly once.</summary>
    public ProviderPermit Permit;

    public FallbackPlan Plan { get; } = plan;

    /// <summary>Gets the attempts so far; created on first use, so a request that succeeds at once allocates none.</summary>
    public List<LlmAttempt> Attempts => _attempts ??= new(4);

    public bool HasAttempts => _attempts is { Count: > 0 };

    public int Calls { get; set; }

    public int ProviderIndex { get; set; } = -1;

    public int RetriesOnProvider { get; set; }

    public bool ContextExceeded { get; set; }

    public int ContextFloor { get; set; }

    public LlmFailureKind? FallbackReason { get; set; }

    public LlmFailure? LastFailure { get; set; }

    public LlmProvider? LastProvider { get; set; }

    /// <summary>Gets or sets the plan indexes (bits) of providers refused only for availability and never called by this request.</summary>
    public ulong WaitCandidates { get; set; }

    /// <summary>Gets or sets how long the request has waited for a provider to become available.</summary>
    public TimeSpan Waited { get; set; }

    /// <summary>Gets or sets a value indicating whether the request already made its one call past open breakers.</summary>
    public bool Panicked { get; set; }

    /// <summary>Gets or sets the activity of the attempt in progress, ended when the attempt is settled.</summary>
    public Activity? AttemptActivity { get; set; }

    /// <summary>Gets or sets the exact timestamp at which the attempt in progress started.</summary>
    public long AttemptStart { get; set; }

    /// <summary>Gets or sets the request's hedging state, created when it is first raced.</summary>
    public HedgeState? Hedge { get; set; }

    /// <summary>Gets a value indicating whether the request sent its one hedge.</summary>
    public bool Hedged => Hedge?.Sent == true;

    /// <summary>Gets or sets the plan indexes (bits) of providers this request has called.</summary>
    public ulong Called { get; set; }

    /// <summary>
    /// Makes a provider refused for availability a candidate to wait for, unless this request already called it: a
    /// provider that failed it (or asked for a longer wait than its policy allows) is not waited for.
    /// </summary>
    public void AddWaitCandidate(int index)
    {
        if (index < MaxWaitCandidates && (Called & (1UL << index)) == 0)
        {
            WaitCandidates |= 1UL << index;
        }
    }

    /// <summary>Makes the provider a retry was planned for a candidate to wait for when the retry finds it unavailable.</summary>
    public void AddRetryCandidate(int index)
    {
        if (index < MaxWaitCandidates)
        {
            WaitCandidates |= 1UL << index;
        }
    }

    public void MarkCalled(int index)
    {
        if (index < MaxWaitCandidates)
        {
            Called |= 1UL << index;
        }
    }
}
