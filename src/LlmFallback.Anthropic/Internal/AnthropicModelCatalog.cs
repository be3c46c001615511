namespace LlmFallback.Anthropic;

/// <summary>
/// Capabilities of the Claude models the Messages API serves, keyed by model family (the id without a snapshot date).
/// Every listed model takes tools and images. Claude 4.6 and later reject a trailing assistant message (prefill) with
/// HTTP 400, so only older models may continue a stream another provider started; a model missing from the table is
/// assumed not to.
/// </summary>
internal static class AnthropicModelCatalog
{
    private const int OneMillion = 1_000_000;
    private const int TwoHundredK = 200_000;

    private static readonly AnthropicModelInfo Current = new(OneMillion, 128_000, JsonSchema: true, PrefillContinuation: false);
    private static readonly AnthropicModelInfo Claude45 = new(TwoHundredK, 64_000, JsonSchema: true, PrefillContinuation: true);

    private static readonly Dictionary<string, AnthropicModelInfo> Models = new(StringComparer.OrdinalIgnoreCase)
    {
        ["claude-fable-5"] = Current,
        ["claude-fable-5-1"] = Current,
        ["claude-fable-5-2"] = Current,
        ["claude-mythos-5"] = Current,
        ["claude-mythos-5-1"] = Current,
        ["claude-mythos-5-2"] = Current,
        ["claude-opus-5"] = Current,
        ["claude-opus-5-5"] = Current,
        ["claude-sonnet-5"] = Current,
        ["claude-sonnet-5-5"] = Current,
        ["claude-haiku-5-5"] = Current,
        ["claude-opus-4-8"] = Current,
        ["claude-opus-4-7"] = Current,
        ["claude-opus-4-6"] = Current,
        ["claude-sonnet-4-6"] = Current,
        ["claude-opus-4-5"] = Claude45,
        ["claude-sonnet-4-5"] = Claude45,
        ["claude-haiku-4-5"] = Claude45,
        ["claude-opus-4-1"] = new(TwoHundredK, 32_000, JsonSchema: true, PrefillContinuation: true),
        ["claude-opus-4"] = new(TwoHundredK, 32_000, JsonSchema: false, PrefillContinuation: true),
        ["claude-opus-4-0"] = new(TwoHundredK, 32_000, JsonSchema: false, PrefillContinuation: true),
        ["claude-sonnet-4"] = new(TwoHundredK, 64_000, JsonSchema: false, PrefillContinuation: true),
        ["claude-sonnet-4-0"] = new(TwoHundredK, 64_000, JsonSchema: false, PrefillContinuation: true),
        ["claude-3-7-sonnet"] = new(TwoHundredK, 64_000, JsonSchema: false, PrefillContinuation: true),
        ["claude-3-5-sonnet"] = new(TwoHundredK, 8_192, JsonSchema: false, PrefillContinuation: true),
        ["claude-3-5-haiku"] = new(TwoHundredK, 8_192, JsonSchema: false, PrefillContinuation: true),
        ["claude-3-opus"] = new(TwoHundredK, 4_096, JsonSchema: false, PrefillContinuation: true),
        ["claude-3-haiku"] = new(TwoHundredK, 4_096, JsonSchema: false, PrefillContinuation: true),
    };

    /// <summary>Looks a model up by id, alias or dated snapshot (<c>claude-sonnet-4-5-20250929</c>, <c>claude-3-7-sonnet-latest</c>).</summary>
    public static bool TryGet(string? model, out AnthropicModelInfo info)
    {
        info = default;
        return !string.IsNullOrWhiteSpace(model) && Models.TryGetValue(Family(model.Trim()), out info);
    }

    /// <summary>Strips a <c>-latest</c> or <c>-YYYYMMDD</c> snapshot suffix.</summary>
    internal static string Family(string model)
    {
        if (model.EndsWith("-latest", StringComparison.OrdinalIgnoreCase))
        {
            return model[..^7];
        }

        var dash = model.LastIndexOf('-');
        if (dash > 0 && model.Length - dash - 1 == 8)
        {
            for (var i = dash + 1; i < model.Length; i++)
            {
                if (!char.IsAsciiDigit(model[i]))
                {
                    return model;
                }
            }

            return model[..dash];
        }

        return model;
    }
}
