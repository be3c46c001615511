namespace LlmFallback;

/// <summary>
/// Sends each request of a provider with <see cref="LlmProviderOptions.Replicas"/> to one replica: the request address
/// is moved from the provider's <see cref="LlmProviderOptions.Endpoint"/> (the base the adapter builds paths from; the
/// first replica's when not set) onto the chosen replica's base, keeping the rest of the path and the query. The
/// replica stays counted in flight until the response body has been read to its end or disposed, or the request is
/// cancelled, so long streams weigh on least-in-flight selection for as long as they last.
/// </summary>
/// <remarks>
/// <para>
/// This is a hand-written handler rather than Microsoft.Extensions.Http.Resilience, which was evaluated: its endpoint
/// routing (<c>ConfigureWeightedGroups</c>/<c>ConfigureOrderedGroups</c>) exists only inside the standard hedging
/// handler, which sends extra requests and retries (a second retry layer under the attempt policy, which this library
/// forbids); it picks weighted endpoints at random rather than by smooth round-robin, has no least-in-flight mode,
/// replaces only scheme, host and port (so replicas behind different path prefixes are impossible), and its
/// per-endpoint circuit breakers neither honour a replica's <c>Retry-After</c> nor know the rule that the last healthy
/// replica is never taken out.
/// </para>
/// <para>
/// The pool never retries. A failed request fails to the attempt policy, whose retry is then sent elsewhere because
/// the failed replica is ejected, cooling down or busier. When a 429 or 503 carries <c>Retry-After</c>, only that
/// replica waits: while another replica is in rotation, the header is removed from the response so the attempt policy
/// retries at once instead of putting the whole provider into cool-down.
/// </para>
/// </remarks>
internal sealed class ReplicaPoolHandler : DelegatingHandler
{
    private readonly ReplicaPoolSlot _slot;

    public ReplicaPoolHandler(ReplicaPoolSlot slot) => _slot = slot;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        _slot.Current is { } pool ? SendToReplicaAsync(pool, request, cancellationToken) : base.SendAsync(request, cancellationToken);

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (_slot.Current is not { } pool)
        {
            return base.Send(request, cancellationToken);
        }

        var pick = Route(pool, request);
        HttpResponseMessage response;
        try
        {
            response = base.Send(request, cancellationToken);
        }
        catch (Exception ex)
        {
            Fail(pool, pick, ex, cancellationToken);
            throw;
        }

        return Track(pool, pick, response, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendToReplicaAsync(ReplicaPool pool, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var pick = Route(pool, request);
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Fail(pool, pick, ex, cancellationToken);
            throw;
        }

        return Track(pool, pick, response, cancellationToken);
    }

    private static ReplicaPick Route(ReplicaPool pool, HttpRequestMessage request)
    {
        if (request.RequestUri is not { IsAbsoluteUri: true } uri || !pool.TryMatch(uri, out var restStart))
        {
            throw new InvalidOperationException(
                $"A request of provider '{pool.Provider}' is not addressed under {pool.ConfigurationPath}:Endpoint (or, when it is not set, "
                + $"{pool.ConfigurationPath}:Replicas:0:Endpoint). With Replicas, the adapter must build request addresses from that base so they can be moved onto each replica.");
        }

        var pick = pool.Select();
        request.RequestUri = pick.Replica.Endpoint.Rewrite(uri, restStart);
        return pick;
    }

    private static void Fail(ReplicaPool pool, in ReplicaPick pick, Exception exception, CancellationToken cancellationToken)
    {
        pool.OnException(pick, exception, cancellationToken);
        ReplicaPool.Release(pick);
    }

    private static HttpResponseMessage Track(ReplicaPool pool, in ReplicaPick pick, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            pool.OnResponse(pick, response);
        }
        catch
        {
            ReplicaPool.Release(pick);
            throw;
        }

        response.Content = new ReplicaResponseContent(response.Content, pool, pick.AfterHeaders(), cancellationToken);
        return response;
    }
}
