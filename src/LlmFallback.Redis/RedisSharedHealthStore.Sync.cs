using System.Globalization;
using StackExchange.Redis;

namespace LlmFallback.Redis;

internal sealed partial class RedisSharedHealthStore
{
    /// <summary>A timer tick: subscribe if not yet subscribed, then read every provider's deadlines.</summary>
    private void StartSync()
    {
        if (Volatile.Read(ref _disposed) == 0 && Interlocked.Exchange(ref _syncing, 1) == 0)
        {
            _ = SyncAsync();
        }
    }

    private async Task SyncAsync()
    {
        try
        {
            if (Volatile.Read(ref _subscribed) == 0)
            {
                var subscribed = await _connection.ExecuteAsync(
                    Store,
                    this,
                    static async (db, s) =>
                    {
                        await db.Multiplexer.GetSubscriber().SubscribeAsync(s._channel, s.OnMessage).ConfigureAwait(false);
                        return true;
                    },
                    static _ => new ValueTask<bool>(false)).ConfigureAwait(false);
                Volatile.Write(ref _subscribed, subscribed ? 1 : 0);
            }

            var providers = Volatile.Read(ref _providers);
            var keys = new RedisKey[2 * providers.Length];
            for (var i = 0; i < providers.Length; i++)
            {
                keys[2 * i] = _connection.Key(CooldownKey(providers[i].UpstreamName));
                keys[(2 * i) + 1] = _connection.Key(OpeningKey(providers[i].Name));
            }

            var values = await _connection.ExecuteAsync(
                Store,
                keys,
                static (db, k) => db.StringGetAsync(k),
                static _ => new ValueTask<RedisValue[]>([])).ConfigureAwait(false);
            for (var i = 0; i + 1 < values.Length && i / 2 < providers.Length; i += 2)
            {
                var provider = providers[i / 2];
                if (values[i].TryParse(out long cooldownUntil))
                {
                    Apply(CooldownKind, provider, cooldownUntil, cause: null);
                }

                if (values[i + 1].TryParse(out long openUntil))
                {
                    Apply(OpeningKind, provider, openUntil, cause: null);
                }
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // ExecuteAsync answers outages; anything else must not end the timer's work either.
        }
        finally
        {
            Volatile.Write(ref _syncing, 0);
        }
    }

    /// <summary>A deadline published by an instance (this one's own are ignored): <c>kind|instance|until-ms|cause|name</c>.</summary>
    private void OnMessage(RedisChannel channel, RedisValue value)
    {
        var parts = ((string?)value)?.Split('|', 5);
        if (parts is not { Length: 5 } || parts[1] == _instance
            || !long.TryParse(parts[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var untilMs))
        {
            return;
        }

        LlmFailureKind? cause = int.TryParse(parts[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out var c) && Enum.IsDefined((LlmFailureKind)c) ? (LlmFailureKind)c : null;
        foreach (var provider in Volatile.Read(ref _providers))
        {
            if (parts[0] == CooldownKind && string.Equals(provider.UpstreamName, parts[4], StringComparison.OrdinalIgnoreCase))
            {
                Apply(CooldownKind, provider, untilMs, null);
            }
            else if (parts[0] == OpeningKind && string.Equals(provider.Name, parts[4], StringComparison.OrdinalIgnoreCase))
            {
                Apply(OpeningKind, provider, untilMs, cause);
            }
        }
    }

    private void Apply(string kind, LlmProvider provider, long untilMs, LlmFailureKind? cause)
    {
        var opening = kind == OpeningKind;
        var key = opening ? OpeningKey(provider.Name) : CooldownKey(provider.UpstreamName);
        var nowMs = Time.GetUtcNow().ToUnixTimeMilliseconds();
        if (untilMs <= nowMs)
        {
            return;
        }

        // No instance publishes more than a day ahead; a corrupt value (even one past the calendar) is held to that.
        untilMs = Math.Min(untilMs, nowMs + (long)LlmRetryAfter.MaxValue.TotalMilliseconds);
        if (!Advance(key, untilMs))
        {
            return;
        }

        var until = DateTimeOffset.FromUnixTimeMilliseconds(untilMs);
        if (opening)
        {
            provider.ApplySharedOpening(until, cause);
        }
        else
        {
            provider.ApplySharedCooldown(until);
        }

        Applied?.Invoke();
    }
}
