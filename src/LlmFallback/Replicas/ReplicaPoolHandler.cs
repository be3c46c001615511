namespace LlmFallback;

/// <summary>
/// Spreads a provider's HTTP requests over its replicas. Placeholder until the replica-pool work lands: with no
/// replicas configured it passes requests through unchanged.
/// </summary>
internal sealed class ReplicaPoolHandler : DelegatingHandler
{
    private readonly LlmProviderOptions _options;

    public ReplicaPoolHandler(LlmProviderOptions options) => _options = options;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (_options.Replicas.Count > 0)
        {
            throw new NotSupportedException("Replica pools are not implemented yet.");
        }

        return base.SendAsync(request, cancellationToken);
    }
}
