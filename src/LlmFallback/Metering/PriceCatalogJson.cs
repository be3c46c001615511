using System.Text.Json.Serialization;

namespace LlmFallback;

/// <summary>The shape of the embedded price catalogue (<c>Pricing/llm-prices.json</c>).</summary>
internal sealed class PriceCatalogDocument
{
    public string? PricesAsOf { get; set; }

    public Dictionary<string, PriceCatalogEntry>? Models { get; set; }
}

/// <summary>One model's prices in US dollars per million tokens.</summary>
internal sealed class PriceCatalogEntry
{
    public decimal? Input { get; set; }

    public decimal? CachedInput { get; set; }

    public decimal? Output { get; set; }
}

/// <summary>Source-generated metadata for reading the catalogue without reflection (trim and AOT safe).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip)]
[JsonSerializable(typeof(PriceCatalogDocument))]
internal sealed partial class PriceCatalogJsonContext : JsonSerializerContext
{
}
