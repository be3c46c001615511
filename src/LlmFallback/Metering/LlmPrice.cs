namespace LlmFallback;

/// <summary>A model's resolved prices in US dollars per million tokens; every price is known.</summary>
internal sealed class LlmPrice
{
    private const decimal Million = 1_000_000m;

    // Prices per token, computed once: a call then costs three multiplications and no division.
    private readonly decimal _inputPerToken;
    private readonly decimal _outputPerToken;
    private readonly decimal _cachedPerToken;

    public LlmPrice(decimal input, decimal output, decimal cachedInput)
    {
        Input = input;
        Output = output;
        CachedInput = cachedInput;
        _inputPerToken = input / Million;
        _outputPerToken = output / Million;
        _cachedPerToken = cachedInput / Million;
    }

    public decimal Input { get; }

    public decimal Output { get; }

    public decimal CachedInput { get; }

    /// <summary>
    /// Prices a call. Cached tokens are a part of the input tokens (as every adapter reports them), billed at the
    /// cached price; the rest of the input at the input price.
    /// </summary>
    public decimal Cost(long inputTokens, long outputTokens, long cachedInputTokens)
    {
        var cached = Math.Clamp(cachedInputTokens, 0, Math.Max(inputTokens, 0));
        var fresh = Math.Max(inputTokens, 0) - cached;
        return (fresh * _inputPerToken) + (cached * _cachedPerToken) + (Math.Max(outputTokens, 0) * _outputPerToken);
    }

    /// <summary>Merges prices: each field of <paramref name="over"/> that is set wins over this price.</summary>
    public static LlmPrice? Merge(LlmModelPricing? over, LlmPrice? under)
    {
        var input = over?.InputPerMillionTokens ?? under?.Input;
        var output = over?.OutputPerMillionTokens ?? under?.Output;
        if (input is not { } i || output is not { } o)
        {
            return null;
        }

        // A cached price only carries over when the input price did too; otherwise cache reads cost the new input price.
        var cached = over?.CachedInputPerMillionTokens
            ?? (over?.InputPerMillionTokens is null ? under?.CachedInput : null)
            ?? i;
        return new LlmPrice(i, o, cached);
    }

    public LlmModelPricing ToPricing() => new()
    {
        InputPerMillionTokens = Input,
        OutputPerMillionTokens = Output,
        CachedInputPerMillionTokens = CachedInput,
    };
}
