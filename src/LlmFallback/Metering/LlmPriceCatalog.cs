using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;

namespace LlmFallback;

/// <summary>
/// Model prices in US dollars per million tokens (input, output, cached input): the catalogue shipped with the
/// library (public list prices of the major OpenAI, Anthropic and Gemini models, dated by <see cref="PricesAsOf"/>),
/// extended and overridden by the application. Model ids match with their snapshot decorations removed, so
/// <c>gpt-4o-mini-2024-07-18</c> is priced as <c>gpt-4o-mini</c>. Thread-safe.
/// </summary>
public sealed class LlmPriceCatalog
{
    private const int MaxResolved = 4096;
    private static readonly Lazy<LlmPriceCatalog> Embedded = new(Load);

    private readonly Dictionary<string, LlmPrice> _prices;
    private readonly ConcurrentDictionary<string, LlmPrice?> _resolved = new(StringComparer.OrdinalIgnoreCase);

    private LlmPriceCatalog(Dictionary<string, LlmPrice> prices, DateOnly? pricesAsOf)
    {
        _prices = prices;
        PricesAsOf = pricesAsOf;
    }

    /// <summary>Gets the catalogue shipped with the library.</summary>
    public static LlmPriceCatalog Default => Embedded.Value;

    /// <summary>Gets the date the shipped prices were read from the providers' pricing pages.</summary>
    public DateOnly? PricesAsOf { get; }

    /// <summary>Gets the model names the catalogue lists.</summary>
    public IReadOnlyCollection<string> Models => _prices.Keys;

    /// <summary>
    /// Returns a catalogue with <paramref name="overrides"/> applied over this one: a listed model's set fields
    /// replace its prices, and a model not listed yet is added (it needs both input and output prices).
    /// </summary>
    /// <param name="overrides">Prices by model name.</param>
    /// <returns>A new catalogue; this one is unchanged.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="overrides"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A price is negative, or a new model lacks its input or output price.</exception>
    public LlmPriceCatalog WithOverrides(IEnumerable<KeyValuePair<string, LlmModelPricing>> overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        var prices = new Dictionary<string, LlmPrice>(_prices, StringComparer.OrdinalIgnoreCase);
        var errors = new List<string>();
        foreach (var (model, pricing) in overrides)
        {
            if (string.IsNullOrWhiteSpace(model) || pricing is null)
            {
                errors.Add("Every price override needs a model name and prices.");
                continue;
            }

            PricingValidation.Validate(pricing, $"Pricing:{model}", errors);
            prices.TryGetValue(model, out var known);
            if (LlmPrice.Merge(pricing, known) is { } merged)
            {
                prices[model] = merged;
            }
            else
            {
                errors.Add($"Pricing:{model} is not in the catalogue, so it needs both InputPerMillionTokens and OutputPerMillionTokens.");
            }
        }

        LlmOptionsValidation.ThrowIfAny(errors, nameof(overrides));
        return new LlmPriceCatalog(prices, PricesAsOf);
    }

    /// <summary>Gets the prices of a model, matching dated and decorated ids to the catalogue's names.</summary>
    /// <param name="modelId">The model id, as configured or as a provider reported it.</param>
    /// <param name="pricing">A copy of the prices, when found.</param>
    /// <returns><see langword="true"/> if the model is priced.</returns>
    public bool TryGetPricing(string modelId, [NotNullWhen(true)] out LlmModelPricing? pricing)
    {
        ArgumentNullException.ThrowIfNull(modelId);
        pricing = Find(modelId)?.ToPricing();
        return pricing is not null;
    }

    /// <summary>Prices a call of <paramref name="modelId"/>.</summary>
    /// <param name="modelId">The model id.</param>
    /// <param name="inputTokens">Input tokens, including <paramref name="cachedInputTokens"/>.</param>
    /// <param name="outputTokens">Output tokens, including reasoning tokens.</param>
    /// <param name="cachedInputTokens">Input tokens read from the provider's prompt cache.</param>
    /// <returns>The cost in US dollars, or <see langword="null"/> if the model is not priced.</returns>
    public decimal? GetCost(string modelId, long inputTokens, long outputTokens, long cachedInputTokens = 0)
    {
        ArgumentNullException.ThrowIfNull(modelId);
        return Find(modelId)?.Cost(inputTokens, outputTokens, cachedInputTokens);
    }

    internal LlmPrice? Find(string modelId)
    {
        if (_resolved.TryGetValue(modelId, out var price))
        {
            return price;
        }

        foreach (var candidate in LlmModelIds.Candidates(modelId))
        {
            if (_prices.TryGetValue(candidate, out price))
            {
                break;
            }
        }

        // Ids come from configuration and providers, so there are few; the bound only guards against a provider
        // that invents a new id per call.
        if (_resolved.Count < MaxResolved)
        {
            _resolved.TryAdd(modelId, price);
        }

        return price;
    }

    private static LlmPriceCatalog Load()
    {
        using var stream = typeof(LlmPriceCatalog).Assembly.GetManifestResourceStream("LlmFallback.Metering.llm-prices.json")
            ?? throw new InvalidOperationException("The embedded price catalogue is missing from the LlmFallback assembly.");
        var document = JsonSerializer.Deserialize(stream, PriceCatalogJsonContext.Default.PriceCatalogDocument)
            ?? throw new InvalidOperationException("The embedded price catalogue is empty.");
        var prices = new Dictionary<string, LlmPrice>(StringComparer.OrdinalIgnoreCase);
        foreach (var (model, entry) in document.Models ?? [])
        {
            if (entry.Input is { } input && entry.Output is { } output)
            {
                prices[model] = new LlmPrice(input, output, entry.CachedInput ?? input);
            }
        }

        DateOnly? asOf = DateOnly.TryParseExact(document.PricesAsOf, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;
        return new LlmPriceCatalog(prices, asOf);
    }
}
