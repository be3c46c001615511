using System.Collections.Concurrent;

namespace LlmFallback;

/// <summary>
/// Pseudonym maps of server-side conversations (<c>ChatOptions.ConversationId</c>), whose earlier turns are not sent
/// again: kept for a while after their last use, at most a bounded number, so a placeholder from an earlier turn is
/// still restored. Lock-free lookups; trimming runs only when the bound is passed.
/// </summary>
internal sealed class PseudonymConversations(TimeProvider timeProvider, TimeSpan lifetime, int capacity)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public int Count => _entries.Count;

    public PseudonymMap? Get(string conversationId)
    {
        if (!_entries.TryGetValue(conversationId, out var entry))
        {
            return null;
        }

        var now = timeProvider.GetUtcNow();
        if (now - entry.LastUsed > lifetime)
        {
            _entries.TryRemove(new KeyValuePair<string, Entry>(conversationId, entry));
            return null;
        }

        entry.LastUsed = now;
        return entry.Map;
    }

    public void Put(string conversationId, PseudonymMap map)
    {
        _entries[conversationId] = new Entry(map) { LastUsed = timeProvider.GetUtcNow() };
        if (_entries.Count > capacity)
        {
            Trim();
        }
    }

    /// <summary>Drops expired conversations, then the least recently used until the bound holds.</summary>
    private void Trim()
    {
        var now = timeProvider.GetUtcNow();
        var live = new List<KeyValuePair<string, Entry>>(_entries.Count);
        foreach (var pair in _entries)
        {
            if (now - pair.Value.LastUsed > lifetime)
            {
                _entries.TryRemove(pair);
            }
            else
            {
                live.Add(pair);
            }
        }

        if (live.Count <= capacity)
        {
            return;
        }

        live.Sort(static (a, b) => a.Value.LastUsed.CompareTo(b.Value.LastUsed));
        for (var i = 0; i < live.Count - capacity; i++)
        {
            _entries.TryRemove(live[i]);
        }
    }

    private sealed class Entry(PseudonymMap map)
    {
        public PseudonymMap Map { get; } = map;

        public DateTimeOffset LastUsed { get; set; }
    }
}
