using LlmFallback.Samples.Gateway.Wire;
using Microsoft.Extensions.Options;

namespace LlmFallback.Samples.Gateway.Endpoints;

/// <summary>
/// The names a request's <c>model</c> may use, read once at start: with a routing stage in the pipeline, its routes,
/// their aliases, the providers' models and the providers' names (what the routing stage resolves); without one,
/// any name (each provider is called with its own model) and the list shows the providers' models.
/// </summary>
internal sealed class ModelCatalog
{
    private readonly HashSet<string> _names = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<ModelEntry> _entries = [];

    public ModelCatalog(IChatClient chat, LlmProviderRegistry providers, IOptions<RoutingOptions> routing, TimeProvider time)
    {
        Routed = chat.GetService<LlmRoutingChatClient>() is not null;
        var created = time.GetUtcNow().ToUnixTimeSeconds();
        if (Routed)
        {
            foreach (var (name, route) in routing.Value.Routes)
            {
                Add(name, "llmfallback:route", created);
                foreach (var alias in route.Aliases)
                {
                    Add(alias, "llmfallback:alias", created);
                }
            }
        }

        var models = new List<string>();
        foreach (var provider in providers.Providers)
        {
            if (provider.Model is { } model)
            {
                models.Add(model);
            }
        }

        models.Sort(StringComparer.OrdinalIgnoreCase);
        foreach (var model in models)
        {
            Add(model, "llmfallback:model", created);
        }

        if (Routed)
        {
            foreach (var provider in providers.Providers)
            {
                _names.Add(provider.Name);
            }
        }
    }

    /// <summary>Gets a value indicating whether <c>model</c> selects a route (a routing stage is in the pipeline).</summary>
    public bool Routed { get; }

    /// <summary>Gets what <c>GET /v1/models</c> lists: routes, aliases, then the providers' models.</summary>
    public IReadOnlyList<ModelEntry> Entries => _entries;

    /// <summary>Whether a request may name <paramref name="model"/>.</summary>
    public bool IsKnown(string model) => !Routed || _names.Contains(model);

    /// <summary>The listed entry named <paramref name="model"/>, if any.</summary>
    public ModelEntry? Find(string model)
    {
        foreach (var entry in _entries)
        {
            if (string.Equals(entry.Id, model, StringComparison.OrdinalIgnoreCase))
            {
                return entry;
            }
        }

        return null;
    }

    private void Add(string id, string ownedBy, long created)
    {
        if (_names.Add(id))
        {
            _entries.Add(new ModelEntry { Id = id, OwnedBy = ownedBy, Created = created });
        }
    }
}
