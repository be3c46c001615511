using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;

namespace LlmFallback;

/// <summary>
/// The per-minute limits of each provider that declares them, and what each was sent in the last minute. For a
/// provider of the <see cref="LlmProviderRegistry"/> this is the provider's own account, the one its availability
/// check takes each call from (a provider at its limit is skipped with <c>provider_limit</c>, or waited for) and the
/// usage-aware routing strategy reads; so <see cref="TryAcquire"/> here counts against the same limit as the calls.
/// </summary>
public sealed class LlmProviderLimitsRegistry : IDisposable
{
    private readonly Dictionary<string, ProviderLimiter> _limiters = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Initializes a new instance of the <see cref="LlmProviderLimitsRegistry"/> class, with accounts of its own.</summary>
    /// <param name="limits">The limits by provider name; providers without limits may be left out.</param>
    /// <param name="timeProvider">The clock; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="limits"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A limit is not positive; the message names it.</exception>
    public LlmProviderLimitsRegistry(IEnumerable<KeyValuePair<string, LlmProviderLimits>> limits, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var clock = LlmClock.For(timeProvider ?? TimeProvider.System);
        var errors = new List<string>();
        foreach (var (name, limit) in limits)
        {
            if (string.IsNullOrWhiteSpace(name) || limit is null)
            {
                errors.Add("Every provider limit needs a provider name and limits.");
                continue;
            }

            LlmProviderLimitsValidator.Validate(limit, $"Providers:{name}:Limits", errors);
            if (errors.Count == 0 && ProviderLimiter.For(limit, clock) is { } limiter)
            {
                _limiters[name] = limiter;
            }
        }

        LlmOptionsValidation.ThrowIfAny(errors, nameof(limits));
    }

    /// <summary>The providers' own accounts, and accounts for limits declared for names no provider has.</summary>
    internal LlmProviderLimitsRegistry(LlmProviderRegistry? providers, IEnumerable<LlmProviderLimitsRegistration> names, IOptionsMonitor<LlmProviderLimits> options, TimeProvider timeProvider)
    {
        var clock = LlmClock.For(timeProvider);
        foreach (var provider in providers?.Providers ?? [])
        {
            if (provider.Limiter is { } limiter)
            {
                _limiters[provider.Name] = limiter;
            }
        }

        foreach (var registration in names)
        {
            if (!_limiters.ContainsKey(registration.Name) && (providers is null || !providers.TryGetProvider(registration.Name, out _))
                && ProviderLimiter.For(options.Get(registration.Name), clock) is { } limiter)
            {
                _limiters[registration.Name] = limiter;
            }
        }
    }

    /// <summary>Gets the providers that declare limits.</summary>
    public IReadOnlyCollection<string> Providers => _limiters.Keys;

    /// <summary>Gets a provider's declared limits.</summary>
    /// <param name="provider">The provider's name (case-insensitive).</param>
    /// <param name="limits">The limits, when declared.</param>
    /// <returns><see langword="true"/> if the provider declares limits.</returns>
    public bool TryGetLimits(string provider, [NotNullWhen(true)] out LlmProviderLimits? limits)
    {
        ArgumentNullException.ThrowIfNull(provider);
        limits = _limiters.TryGetValue(provider, out var limiter) ? limiter.Limits : null;
        return limits is not null;
    }

    /// <summary>
    /// Takes one request and <paramref name="estimatedTokens"/> from the provider's last minute if they fit now; a
    /// provider without limits always accepts.
    /// </summary>
    /// <param name="provider">The provider's name.</param>
    /// <param name="estimatedTokens">The request's estimated tokens (prompt plus expected output).</param>
    /// <param name="retryAfter">When refused, how long until the window may have room (its oldest part leaves it).</param>
    /// <returns><see langword="true"/> if the request fits within the provider's limits.</returns>
    public bool TryAcquire(string provider, long estimatedTokens, out TimeSpan retryAfter)
    {
        ArgumentNullException.ThrowIfNull(provider);
        retryAfter = TimeSpan.Zero;
        if (!_limiters.TryGetValue(provider, out var limiter))
        {
            return true;
        }

        var now = limiter.Now;
        if (limiter.TryTake(now, Math.Max(estimatedTokens, 0)))
        {
            return true;
        }

        retryAfter = limiter.Clock.Elapsed(now, limiter.NextRoom(now));
        return false;
    }

    /// <summary>Corrects a provider's token count once a call's actual tokens are known (negative gives tokens back).</summary>
    /// <param name="provider">The provider's name.</param>
    /// <param name="tokens">The tokens to add.</param>
    public void AddTokens(string provider, long tokens)
    {
        ArgumentNullException.ThrowIfNull(provider);
        if (_limiters.TryGetValue(provider, out var limiter))
        {
            limiter.AddTokens(limiter.Now, tokens);
        }
    }

    /// <summary>Nothing to release; kept so the registry can own resources later.</summary>
    public void Dispose()
    {
    }
}
