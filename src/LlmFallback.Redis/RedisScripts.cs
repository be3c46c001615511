namespace LlmFallback.Redis;

/// <summary>
/// The Lua scripts that update shared state atomically. Redis runs a script without interleaving other commands, so
/// a check and the update it allows cannot be split by another instance. Numbers stay below 2^53 (Lua numbers are
/// doubles): money in nano-dollars, time in microseconds since the Unix epoch.
/// </summary>
internal static class RedisScripts
{
    /// <summary>
    /// KEYS: budget counters. ARGV[1]: amount; then per key: limit, time to live (ms).
    /// Adds the amount to every counter if each has room; returns {1} or {0, index of the full counter, what it holds}.
    /// </summary>
    public const string BudgetReserve = """
        local amount = tonumber(ARGV[1])
        for i = 1, #KEYS do
          local held = tonumber(redis.call('GET', KEYS[i]) or '0')
          local limit = tonumber(ARGV[2 * i])
          if held >= limit or held + amount > limit then
            return {0, i - 1, string.format('%.0f', held)}
          end
        end
        for i = 1, #KEYS do
          redis.call('INCRBY', KEYS[i], amount)
          redis.call('PEXPIRE', KEYS[i], ARGV[2 * i + 1])
        end
        return {1}
        """;

    /// <summary>KEYS: budget counters. ARGV[1]: amount (may be negative); then per key: time to live (ms). Adds it whatever the limit.</summary>
    public const string BudgetAdd = """
        for i = 1, #KEYS do
          redis.call('INCRBY', KEYS[i], ARGV[1])
          redis.call('PEXPIRE', KEYS[i], ARGV[i + 1])
        end
        return 1
        """;

    /// <summary>
    /// Generic cell rate algorithm over several buckets at once. KEYS: buckets (each holds its theoretical arrival
    /// time). ARGV[1]: now (µs); then per key: cost (µs), check (µs, the cost capped at one window), window (µs).
    /// Takes every bucket's cost if each accepts; returns {1} or {0, index of the refusing bucket, retry-after in µs}.
    /// A bucket's key expires when it would be full again.
    /// </summary>
    public const string RateLimitAcquire = """
        local now = tonumber(ARGV[1])
        local next = {}
        for i = 1, #KEYS do
          local cost = tonumber(ARGV[3 * i - 1])
          local check = tonumber(ARGV[3 * i])
          local window = tonumber(ARGV[3 * i + 1])
          local tat = tonumber(redis.call('GET', KEYS[i]) or '0')
          local start = math.max(tat, now)
          if start + check - now > window then
            return {0, i - 1, string.format('%.0f', start + check - window - now)}
          end
          next[i] = start + cost
        end
        for i = 1, #KEYS do
          redis.call('SET', KEYS[i], string.format('%.0f', next[i]), 'PX', math.ceil((next[i] - now) / 1000) + 1000)
        end
        return {1}
        """;

    /// <summary>KEYS: buckets. ARGV[1]: now (µs); then per key: cost (µs; negative gives permits back). Moves each bucket whatever it holds.</summary>
    public const string RateLimitAdd = """
        local now = tonumber(ARGV[1])
        for i = 1, #KEYS do
          local cost = tonumber(ARGV[i + 1])
          local tat = tonumber(redis.call('GET', KEYS[i]) or '0')
          local value
          if cost > 0 then value = math.max(tat, now) + cost else value = math.max(tat + cost, now) end
          if value <= now then
            redis.call('DEL', KEYS[i])
          else
            redis.call('SET', KEYS[i], string.format('%.0f', value), 'PX', math.ceil((value - now) / 1000) + 1000)
          end
        end
        return 1
        """;

    /// <summary>
    /// A shared deadline (a cool-down, a breaker opening). KEYS[1]: its key. ARGV: deadline (ms since the epoch), now
    /// (ms), channel, message. Keeps the later of the stored and the new deadline, expiring a second after it, and
    /// publishes the message only when the deadline moved; returns 1 then, else 0.
    /// </summary>
    public const string SharedDeadline = """
        local deadline = tonumber(ARGV[1])
        local now = tonumber(ARGV[2])
        if deadline <= now then return 0 end
        local held = tonumber(redis.call('GET', KEYS[1]) or '0')
        if held >= deadline then return 0 end
        redis.call('SET', KEYS[1], ARGV[1], 'PX', string.format('%.0f', deadline - now + 1000))
        redis.call('PUBLISH', ARGV[3], ARGV[4])
        return 1
        """;
}
