using System.Net;

namespace LlmFallback.OpenAI.Tests.Load;

/// <summary>
/// Watches one provider's HTTP traffic from the client side: every request sent, and every 429 with a
/// <c>Retry-After</c> received. A request sent while a cool-down the client already received is running is a
/// violation; requests already on their way when the 429 arrived get <see cref="InFlightSlack"/> of fake time.
/// </summary>
internal sealed class CoolDownAudit
{
    public static readonly TimeSpan InFlightSlack = TimeSpan.FromMilliseconds(50);
    private readonly List<(DateTimeOffset From, DateTimeOffset Until)> _coolDowns = [];
    private readonly List<DateTimeOffset> _sent = [];
    private readonly Lock _gate = new();
    private readonly TimeProvider _clock;

    public CoolDownAudit(TimeProvider clock) => _clock = clock;

    public IReadOnlyList<DateTimeOffset> Sent
    {
        get
        {
            lock (_gate)
            {
                return [.. _sent];
            }
        }
    }

    public int CoolDowns
    {
        get
        {
            lock (_gate)
            {
                return _coolDowns.Count;
            }
        }
    }

    /// <summary>Gets the requests sent during a cool-down, with the cool-down they broke.</summary>
    public IReadOnlyList<string> Violations()
    {
        lock (_gate)
        {
            var found = new List<string>();
            foreach (var sent in _sent)
            {
                foreach (var (from, until) in _coolDowns)
                {
                    if (sent > from + InFlightSlack && sent < until)
                    {
                        found.Add($"sent at {sent:HH:mm:ss.fff} during the cool-down {from:HH:mm:ss.fff}-{until:HH:mm:ss.fff}");
                    }
                }
            }

            return found;
        }
    }

    public DelegatingHandler CreateHandler() => new Handler(this);

    private sealed class Handler(CoolDownAudit audit) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (audit._gate)
            {
                audit._sent.Add(audit._clock.GetUtcNow());
            }

            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.TooManyRequests && response.Headers.RetryAfter?.Delta is { } delay)
            {
                var now = audit._clock.GetUtcNow();
                lock (audit._gate)
                {
                    audit._coolDowns.Add((now, now + delay));
                }
            }

            return response;
        }
    }
}
