using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;

namespace LlmFallback;

/// <summary>
/// The per-minute limits of each provider that declares them, with a token bucket per limit in this process. Routing
/// asks <see cref="TryAcquire"/> before sending a request to a provider, and skips a provider that would refuse it.
/// </summary>
public sealed class LlmProviderLimitsRegistry : IDisposable
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private readonly Dictionary<string, (string Name, LlmProviderLimits Limits)> _limits = new(StringComparer.OrdinalIgnoreCase);
    private readonly InMemoryRateLimitStore _buckets;

    /// <summary>Initializes a new instance of the <see cref="LlmProviderLimitsRegistry"/> class.</summary>
    /// <param name="limits">The limits by provider name; providers without limits may be left out.</param>
    /// <param name="timeProvider">The clock; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="limits"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A limit is not positive; the message names it.</exception>
    public LlmProviderLimitsRegistry(IEnumerable<KeyValuePair<string, LlmProviderLimits>> limits, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var errors = new List<string>();
        foreach (var (name, limit) in limits)
        {
            if (string.IsNullOrWhiteSpace(name) || limit is null)
            {
                errors.Add("Every provider limit needs a provider name and limits.");
                continue;
            }

            LlmProviderLimitsValidator.Validate(limit, $"Providers:{name}:Limits", errors);
            if (!limit.IsEmpty)
            {
                _limits[name] = (name, limit);
            }
        }

        LlmOptionsValidation.ThrowIfAny(errors, nameof(limits));
        _buckets = new InMemoryRateLimitStore(timeProvider);
    }

    internal LlmProviderLimitsRegistry(IEnumerable<LlmProviderLimitsRegistration> names, IOptionsMonitor<LlmProviderLimits> options, TimeProvider timeProvider)
        : this(Read(names, options), timeProvider)
    {
    }

    /// <summary>Gets the providers that declare limits.</summary>
    public IReadOnlyCollection<string> Providers => _limits.Keys;

    /// <summary>Gets a provider's declared limits.</summary>
    /// <param name="provider">The provider's name (case-insensitive).</param>
    /// <param name="limits">The limits, when declared.</param>
    /// <returns><see langword="true"/> if the provider declares limits.</returns>
    public bool TryGetLimits(string provider, [NotNullWhen(true)] out LlmProviderLimits? limits)
    {
        ArgumentNullException.ThrowIfNull(provider);
        limits = _limits.TryGetValue(provider, out var entry) ? entry.Limits : null;
        return limits is not null;
    }

    /// <summary>
    /// Takes one request and <paramref name="estimatedTokens"/> from the provider's limits if it would accept them now;
    /// a provider without limits always accepts.
    /// </summary>
    /// <param name="provider">The provider's name.</param>
    /// <param name="estimatedTokens">The request's estimated tokens (prompt plus expected output).</param>
    /// <param name="retryAfter">When refused, how long until the provider would accept the request.</param>
    /// <returns><see langword="true"/> if the request fits within the provider's limits.</returns>
    public bool TryAcquire(string provider, long estimatedTokens, out TimeSpan retryAfter)
    {
        ArgumentNullException.ThrowIfNull(provider);
        retryAfter = TimeSpan.Zero;
        if (!_limits.TryGetValue(provider, out var entry))
        {
            return true;
        }

        // Buckets are keyed by the declared name, so "OpenAI" and "openai" share one.
        var decision = _buckets.TryAcquire(Rules(entry.Name, entry.Limits, 1, Math.Max(estimatedTokens, 0)));
        retryAfter = decision.RetryAfter;
        return decision.IsAcquired;
    }

    /// <summary>Corrects a provider's token bucket once a call's actual tokens are known (negative gives tokens back).</summary>
    /// <param name="provider">The provider's name.</param>
    /// <param name="tokens">The tokens to add.</param>
    public void AddTokens(string provider, long tokens)
    {
        ArgumentNullException.ThrowIfNull(provider);
        if (_limits.TryGetValue(provider, out var entry) && entry.Limits.TokensPerMinute is { } tpm)
        {
            _buckets.Add([new LlmRateLimitRule($"provider:{entry.Name}:tpm", tpm, Minute, tokens, LlmRateLimitScope.Provider, LlmRateLimitKind.Tokens)]);
        }
    }

    /// <summary>Drops the buckets.</summary>
    public void Dispose() => _buckets.Dispose();

    private static List<LlmRateLimitRule> Rules(string provider, LlmProviderLimits limit, long requests, long tokens)
    {
        var rules = new List<LlmRateLimitRule>(2);
        if (limit.RequestsPerMinute is { } rpm)
        {
            rules.Add(new($"provider:{provider}:rpm", rpm, Minute, requests, LlmRateLimitScope.Provider, LlmRateLimitKind.Requests));
        }

        if (limit.TokensPerMinute is { } tpm)
        {
            rules.Add(new($"provider:{provider}:tpm", tpm, Minute, tokens, LlmRateLimitScope.Provider, LlmRateLimitKind.Tokens));
        }

        return rules;
    }

    private static IEnumerable<KeyValuePair<string, LlmProviderLimits>> Read(IEnumerable<LlmProviderLimitsRegistration> names, IOptionsMonitor<LlmProviderLimits> options)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var registration in names)
        {
            if (seen.Add(registration.Name))
            {
                yield return new(registration.Name, options.Get(registration.Name));
            }
        }
    }
}
