using Microsoft.Extensions.AI;

namespace LlmFallback;

public sealed partial class LlmCallInfo
{
    /// <summary>Gets the route the routing stage chose, and why; <see langword="null"/> when the request was not routed.</summary>
    public LlmRouteDecision? Route => _annotations?.Route;

    /// <summary>Gets the prompt tokens the routing stage counted for its context-window check, if it counted them.</summary>
    public int? PromptTokens => _annotations?.PromptTokens;

    /// <summary>Gets a value indicating whether a hedged call was sent for this request (in parallel with a slow one).</summary>
    public bool Hedged => _annotations?.Hedged ?? false;

    /// <summary>
    /// Gets the usage the cancelled call of a hedged request reported, when its provider reported any before it was
    /// cancelled. It is not part of the response's usage (only the answering call's is) and cost metering does not bill
    /// it (metering prices the attempt that answered); it is counted against the cancelled call's provider token limit.
    /// </summary>
    public UsageDetails? HedgeUsage => _annotations?.HedgeUsage;
}

internal sealed partial class LlmCallAnnotations
{
    internal LlmRouteDecision? Route;
    internal int? PromptTokens;
    internal bool Hedged;
    internal UsageDetails? HedgeUsage;
}
